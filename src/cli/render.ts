import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatIssues, UsageError } from "../config/errors";
import { dumpObjects, type KObject } from "../steps/objects";
import type { RenderedClaim } from "../offline/pipeline";
import { planStack } from "../offline/plan";
import { maskSecrets, secretValuesOf } from "../steps/secretValues";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp render --stack <name> [--claim <name>]... [--out <dir>] [--format yaml|json]

Renders every claim of the stack (or the named ones) with no cluster: helm template, the preset with
the claim's values, the environment overlay and the guards: the objects \`pulumi up\` applies, and
the ResourceQuota of every workspace with a budget. The whole stack is checked against its budgets
(ocdp:policy.workspaces.<ws>.budget, ocdp:policy.budget); over budget, nothing is printed and the exit
code is 1 (as \`pulumi preview\` fails).
  --stack    stack name (stacks/Pulumi.<name>.yaml)
  --claim    only this claim (repeatable; budgets are then not checked: they are about the whole stack)
  --out      write one file per claim, <dir>/<claim>.yaml (or .json), and <dir>/workspace.<ws>.yaml per
             quota; else print to stdout (JSON: keys are claim names and workspace/<ws> for quotas)
  --format   yaml (default) or json
  --no-cache render every claim even when the render cache (.ocdp/cache/render) has it
  --show-secrets  print the values of secret inputs (\`secret: true\`, or reaching a Secret); by default
             every field holding one prints as "(secret value)". Values a chart generates at random are
             never known here: they print as placeholders \`ocdp:generated:<alphabet>:<length>:<id>\`.
A one-line summary per claim goes to stderr, with a progress line while rendering on a terminal.`;

function summary(r: RenderedClaim): string {
  const kinds = new Map<string, number>();
  for (const o of r.objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
  const k = [...kinds].map(([kind, n]) => (n > 1 ? `${kind}x${n}` : kind)).join(" ");
  return `${r.claim.claim.name.padEnd(20)} ${r.claim.template.id.padEnd(14)} ${r.claim.namespace.padEnd(16)} ${String(r.objects.length).padStart(3)} objects  ${k}`;
}

export const renderCommand: Command = {
  summary: "render the claims of a stack to Kubernetes objects, offline",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, {
      stack: { type: "string" }, claim: { type: "string", multiple: true }, out: { type: "string" }, format: { type: "string" },
      "no-cache": { type: "boolean" }, "show-secrets": { type: "boolean" },
    }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const format = o.format ?? "yaml";
    if (format !== "yaml" && format !== "json") throw new UsageError(`--format must be yaml or json\n\n${usage}`);
    const { config, ctx } = openStack(stack, o.project, !o["no-cache"]);
    const t0 = Date.now();
    const tty = process.stderr.isTTY;
    const plan = await planStack(config, ctx, { only: o.claim, progress: tty ? (done, total) => {
      process.stderr.write(`\r${done}/${total} claims, ${ctx.renderCache?.hits ?? 0} cached, ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      if (done === total) process.stderr.write("\n");
    } : undefined });
    ctx.renderCache?.evict();
    const { rendered, failures } = plan;
    if (plan.issues.length) {
      // Over budget: nothing would be applied, so nothing is printed.
      for (const f of failures) process.stderr.write(`error: ${f.message}\n`);
      process.stderr.write(`error: ${formatIssues(plan.issues)}\n`);
      return 1;
    }
    // Quotas belong to workspaces, not claims: printed after the claims (all of them unless --claim).
    const quotas = o.claim ? [] : plan.quotas;
    const files: [string, KObject[]][] = [
      ...rendered.map((r): [string, KObject[]] => [r.claim.claim.name, o["show-secrets"] ? r.objects : maskSecrets(r.objects, secretValuesOf(r.claim.inputs, r.claim.values))]),
      ...quotas.map((q): [string, KObject[]] => [`workspace/${q.workspace}`, [q.object]]),
    ];
    const text = (objects: KObject[]) => (format === "json" ? `${JSON.stringify(objects, null, 2)}\n` : dumpObjects(objects));
    if (o.out) {
      mkdirSync(o.out, { recursive: true });
      // Many small files: written concurrently, a synchronous loop waits on each in turn.
      await Promise.all(files.map(([key, objs]) => writeFile(join(o.out!, `${key.replace("/", ".")}.${format}`), text(objs))));
    } else if (format === "json") {
      process.stdout.write(`${JSON.stringify(Object.fromEntries(files), null, 2)}\n`);
    } else {
      process.stdout.write(files.map(([key, objs]) => `# ${key.includes("/") ? key.replace("/", ": ") : `claim: ${key}`}\n${dumpObjects(objs)}`).join("---\n"));
    }
    if (rendered.length <= 50) for (const r of rendered) process.stderr.write(`${summary(r)}\n`);
    const hits = rendered.filter((r) => r.cached).length;
    process.stderr.write(`rendered ${rendered.length}/${rendered.length + failures.length} claims of stack ${stack} in ${((Date.now() - t0) / 1000).toFixed(1)}s (${hits} from cache)\n`);
    if (failures.length) {
      for (const f of failures) process.stderr.write(`error: ${f.message}\n`);
      return 1;
    }
    return 0;
  },
};

