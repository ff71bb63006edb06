// What both benches share: a scratch copy of the project, the synthetic claims, the bench stack file,
// and a summary table.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
export const yaml = require("js-yaml");
export const WORKSPACES = 10;

/** The tracked files of the project and its build in a fresh folder; node_modules and the tools linked. */
export function scratch(prefix = "ocdp-bench-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const f of execFileSync("git", ["ls-files", "-z"], { cwd: root }).toString().split("\0").filter(Boolean)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  // A copy of the build, so that rebuilding the project during a long run does not change what is measured.
  cpSync(join(root, "dist"), join(dir, "dist"), { recursive: true });
  for (const keep of ["node_modules", ".tools"]) symlinkSync(join(root, keep), join(dir, keep));
  return dir;
}

/** N claims over the three apps and ten workspaces; `bump` changes one claim's values. */
export function claims(n, bump = -1) {
  return Array.from({ length: n }, (_, i) => {
    const ws = `team-${i % WORKSPACES}`;
    const k = i === bump ? 1 : 0;
    switch (i % 3) {
      case 0: return { name: `cs-${i}`, templateId: "code-server", workspaceId: ws, owner: { user: "alice" },
        values: { gpu: { count: (i + k) % 4, memory: 1024 * (i % 8), cores: (i * 7) % 101 }, storage: { size: `${10 + (i % 50)}Gi` } } };
      case 1: return { name: `vllm-${i}`, templateId: "vllm-server", workspaceId: ws, owner: { user: "bob" },
        // The bench's one change (claim 4) is a model, not more GPUs: a rollout that needs more capacity
        // waits on the scheduler's packing of the cluster (seen once at 300 claims), not on the program.
        values: { gpu: { count: 1 + (i % 2) }, cache: { size: `${20 + (i % 80)}Gi` }, ...(k ? { model: "bench/changed" } : {}) } };
      default: return { name: `llm-${i}`, templateId: "litellm", workspaceId: ws, owner: { user: "carol" },
        values: { upstream: { apiBase: `http://vllm-${i - 1}-vllm-server.ws-${ws}.svc:8000/v1` }, replicas: 1 + ((i + k) % 3) } };
    }
  });
}

/**
 * stacks/Pulumi.bench.yaml: the local stack with these claims, ten workspaces open to both groups and no
 * budgets (the bench measures work, not refusals). Keeps the encryption salt `pulumi stack init` wrote.
 */
export function writeStack(dir, list, stack = "bench") {
  const file = join(dir, "stacks", `Pulumi.${stack}.yaml`);
  let salt;
  try { salt = yaml.load(readFileSync(file, "utf8"))?.encryptionsalt; } catch { /* first write */ }
  const base = yaml.load(readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8"));
  base.config["ocdp:claims"] = list;
  base.config["ocdp:access"] = { workspaces: Object.fromEntries(Array.from({ length: WORKSPACES }, (_, i) => [`team-${i}`, { groups: ["ml-team", "platform"] }])) };
  const { budget: _, workspaces: __, ...policy } = base.config["ocdp:policy"];
  base.config["ocdp:policy"] = policy;
  writeFileSync(file, yaml.dump({ ...(salt ? { encryptionsalt: salt } : {}), ...base }, { noRefs: true })); // no anchors: the strict loader refuses them
}

/** A Markdown table, columns padded. */
export function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => `| ${r.map((c, i) => String(c).padEnd(w[i])).join(" | ")} |`).join("\n");
}
