import { resolveTemplate } from "../catalog/resolve";
import { IssueList, UsageError } from "../config/errors";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp schema --stack <name> <templateId>

Prints the JSON Schema that a claim's \`values\` must satisfy for this template, derived from the
preset's userInputs.yaml (defaults included).`;

export const schemaCommand: Command = {
  summary: "print the claim-values JSON Schema of a template",
  usage,
  async run(argv) {
    const { values: o, positionals } = parse(argv, { stack: { type: "string" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError(`exactly one templateId is required\n\n${usage}`);
    const { config, ctx } = openStack(stack, o.project);
    const t = config.templates.find((x) => x.id === id);
    if (!t) throw new UsageError(`unknown template ${JSON.stringify(id)} in stack ${stack} (known: ${config.templates.map((x) => x.id).join(", ")})`);
    const issues = new IssueList();
    const rt = await resolveTemplate(t, stack, ctx, issues);
    issues.throwIfAny();
    const schema = { $schema: "http://json-schema.org/draft-07/schema#", title: `values of template ${id}`, ...rt!.schema };
    process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    return 0;
  },
};
