#!/usr/bin/env node
// npm run bench [-- N]: N synthetic claims (default 1000) over the three apps and ten workspaces,
// measured in one run on this machine: (1) the naive loop a user would script (sequential helm
// template | kustomize build of a staged preset, no cache), (2) `ocdp render` cold, (3) again with
// nothing changed, (4) after changing one claim's values; wall time and peak RSS (GNU time) of each.
// Prints a table with ratios and writes bench/results.json.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const yaml = require("js-yaml");
const N = Number(process.argv[2] ?? 1000);

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "ocdp-bench-"));
  for (const f of execFileSync("git", ["ls-files", "-z"], { cwd: root }).toString().split("\0").filter(Boolean)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  for (const keep of ["node_modules", "dist", ".tools"]) symlinkSync(join(root, keep), join(dir, keep));
  return dir;
}

function claims(n, bump = -1) {
  return Array.from({ length: n }, (_, i) => {
    const ws = `team-${i % 10}`;
    const k = i === bump ? 1 : 0;
    switch (i % 3) {
      case 0: return { name: `cs-${i}`, templateId: "code-server", workspaceId: ws, owner: { user: "alice" },
        values: { gpu: { count: (i + k) % 4, memory: 1024 * (i % 8), cores: (i * 7) % 101 }, storage: { size: `${10 + (i % 50)}Gi` } } };
      case 1: return { name: `vllm-${i}`, templateId: "vllm-server", workspaceId: ws, owner: { user: "bob" },
        values: { gpu: { count: 1 + ((i + k) % 2) }, cache: { size: `${20 + (i % 80)}Gi` } } };
      default: return { name: `llm-${i}`, templateId: "litellm", workspaceId: ws, owner: { user: "carol" },
        values: { upstream: { apiBase: `http://vllm-${i - 1}-vllm-server.ws-${ws}.svc:8000/v1` }, replicas: 1 + ((i + k) % 3) } };
    }
  });
}

function writeStack(dir, list) {
  const base = yaml.load(readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8"));
  base.config["ocdp:claims"] = list;
  // Synthetic workspaces open to both groups, and no budgets: the bench measures rendering, not refusals.
  base.config["ocdp:access"] = { workspaces: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`team-${i}`, { groups: ["ml-team", "platform"] }])) };
  const { budget: _, workspaces: __, ...policy } = base.config["ocdp:policy"];
  base.config["ocdp:policy"] = policy;
  writeFileSync(join(dir, "stacks", "Pulumi.bench.yaml"), yaml.dump(base));
}

/** Wall seconds and peak RSS (MiB, the largest process of the tree) of one command. */
function measure(label, cmd, args, opts) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr.slice(-2000)}`);
  const rssKb = Number(r.stderr.trim().split("\n").pop());
  process.stderr.write(`[bench] ${label}: ${seconds.toFixed(1)} s, peak RSS ${(rssKb / 1024).toFixed(0)} MiB\n`);
  return { label, seconds, peakRssMiB: Math.round(rssKb / 1024) };
}

if (process.argv[2] === "--naive") {
  // The baseline, run as its own process: every claim in turn, helm template then kustomize build of
  // a staged preset, with the real tools and no cache, no parallelism.
  const [dir, stack] = process.argv.slice(3);
  process.chdir(dir);
  const { loadProject, loadStack } = require(join(root, "dist/src/config/load.js"));
  const { resolveStack } = require(join(root, "dist/src/catalog/resolve.js"));
  const { helmTemplate } = require(join(root, "dist/src/render/helm.js"));
  const { stage } = require(join(root, "dist/src/render/stage.js"));
  const { kustomizeBuild } = require(join(root, "dist/src/render/kustomize.js"));
  const project = loadProject(dir);
  const ctx = { projectRoot: dir, cacheDir: join(dir, ".ocdp", "naive") };
  const list = await resolveStack(loadStack(project, stack), ctx);
  let bytes = 0;
  for (const rc of list) {
    const rendered = rc.helm ? await helmTemplate(rc, ctx) : undefined;
    const s = stage(rc, rendered);
    bytes += (await kustomizeBuild(s.dir, dir)).length;
    s.cleanup();
  }
  process.stdout.write(`${list.length} claims, ${bytes} bytes\n`);
  process.exit(0);
}

const dir = scratch();
writeStack(dir, claims(N));
const env = { ...process.env, OCDP_CACHE_DIR: join(dir, ".ocdp", "cache") };
const ocdp = (out) => [join(root, "bin", "ocdp.js"), "render", "--stack", "bench", "--out", join(dir, out)];
process.stderr.write(`[bench] ${N} claims in ${dir}\n`);
const naive = measure("naive loop (sequential helm | kustomize)", process.execPath, [fileURLToPath(import.meta.url), "--naive", dir, "bench"], { env });
const cold = measure("ocdp render, cold cache", process.execPath, ocdp("out-cold"), { cwd: dir, env });
const warm = measure("ocdp render, nothing changed", process.execPath, ocdp("out-warm"), { cwd: dir, env });
writeStack(dir, claims(N, 4));
const one = measure("ocdp render, one claim changed", process.execPath, ocdp("out-one"), { cwd: dir, env });

const results = {
  date: new Date().toISOString(), claims: N,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  runs: [naive, cold, warm, one],
  ratios: {
    coldOverNaive: +(cold.seconds / naive.seconds).toFixed(3),
    unchangedOverNaive: +(warm.seconds / naive.seconds).toFixed(4),
    oneChangeOverNaive: +(one.seconds / naive.seconds).toFixed(4),
    naivePerClaimMs: +((naive.seconds * 1000) / N).toFixed(1),
  },
  targets: { coldAtMostHalfNaive: cold.seconds <= 0.5 * naive.seconds, unchangedUnder1s: warm.seconds <= 1,
    oneChangeUnder1sPlusOneRender: one.seconds <= 1 + (naive.seconds / N) },
};
mkdirSync(join(root, "bench"), { recursive: true });
writeFileSync(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
const rows = [["run", "seconds", "peak RSS MiB", "vs naive"],
  ...results.runs.map((r) => [r.label, r.seconds.toFixed(2), String(r.peakRssMiB), (r.seconds / naive.seconds).toFixed(3)])];
const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
process.stdout.write(`${rows.map((r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`).join("\n")}\n`);
process.stdout.write(`targets: ${JSON.stringify(results.targets)}\nwritten to bench/results.json\n`);
if (!existsSync(join(root, "bench", "results.json"))) process.exit(1);
