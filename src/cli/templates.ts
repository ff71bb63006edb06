import { resolveTemplate } from "../catalog/resolve";
import type { UserInput } from "../catalog/userInputs";
import { IssueList } from "../config/errors";
import { defaultRender } from "../offline/validateTree";
import { unstoppable } from "../steps/stop";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp templates --stack <name> [--json]

The templates a stack offers, for people writing claims: each template's description, who may claim it
(bindings), and its inputs (the keys of a claim's \`values\`) with type, default and allowed range,
pattern or choices, from the preset's userInputs.yaml. Secret inputs show no default. Whether a claim
of it can be stopped (\`ocdp claim stop\`), from a render with the defaults: not when it has a DaemonSet,
a bare Pod or a Job.`;

function range(i: UserInput): string {
  if (i.enum) return `one of ${i.enum.join(", ")}`;
  if (i.minimum !== undefined || i.maximum !== undefined) return `${i.minimum ?? ""}..${i.maximum ?? ""}`;
  if (i.pattern) return `/${i.pattern}/`;
  return "";
}

export const templatesCommand: Command = {
  summary: "list the templates of a stack with their inputs (type, default, range)",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, json: { type: "boolean" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const { config, ctx } = openStack(stack, o.project);
    const issues = new IssueList();
    const list = await Promise.all(config.templates.map(async (t) => {
      const rt = await resolveTemplate(t, stack, ctx, issues);
      const objects = rt ? await defaultRender(t, ctx) : [];
      const blockers = typeof objects === "string" ? [] : [...new Set(objects.filter((x) => unstoppable(x)).map((x) => x.kind))];
      return {
        id: t.id, description: t.description ?? "", bindings: t.bindings,
        chart: t.source.type === "helm" ? { chart: t.source.chart, version: t.source.version ?? null } : null,
        preset: t.source.preset.path,
        // null: the defaults do not render, so it is not known.
        stoppable: typeof objects === "string" ? null : blockers.length === 0,
        ...(blockers.length ? { cannotStopBecause: blockers } : {}),
        inputs: (rt?.inputs ?? []).map((i) => ({
          name: i.name, type: i.type, description: i.description, default: i.secret ? null : (i.default ?? null),
          ...(i.minimum !== undefined ? { minimum: i.minimum } : {}), ...(i.maximum !== undefined ? { maximum: i.maximum } : {}),
          ...(i.enum ? { enum: i.enum } : {}), ...(i.pattern ? { pattern: i.pattern } : {}), ...(i.required ? { required: true } : {}),
        })),
      };
    }));
    issues.throwIfAny();
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ stack, templates: list }, null, 2)}\n`);
      return 0;
    }
    const out: string[] = [];
    for (const [n, t] of list.entries()) {
      const who = [...(t.bindings.groups?.length ? [`groups ${t.bindings.groups.join(", ")}`] : []), ...(t.bindings.users?.length ? [`users ${t.bindings.users.join(", ")}`] : [])].join("; ") || "nobody";
      out.push(`${n ? "\n" : ""}${t.id}: ${t.description}`, `  who may claim it: ${who}`);
      if (t.stoppable === false) out.push(`  cannot be stopped: it has a ${t.cannotStopBecause?.join(", ")} (ocdp claim stop refuses its claims)`);
      const rows = [["input", "type", "default", "allowed"], ...t.inputs.map((i) => [i.name, i.type, i.default === null ? "-" : JSON.stringify(i.default), range(i as UserInput)])];
      const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
      out.push(...rows.map((r) => `  ${r.map((c, k) => c.padEnd(w[k])).join("  ").trimEnd()}`));
    }
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  },
};
