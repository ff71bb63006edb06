import { resolveTemplate } from "../catalog/resolve";
import { IssueList, UsageError } from "../config/errors";
import { claimSchema } from "../config/schema";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp schema --stack <name> <templateId> [--claim]

Prints the JSON Schema that a claim's \`values\` must satisfy for this template, derived from the
preset's userInputs.yaml (defaults included). With --claim, the schema of a whole claim of this
template: name, templateId, workspaceId (one of the directory's workspaces), owner ({user} only: groups
come from ocdp:access) and values.`;

export const schemaCommand: Command = {
  summary: "print the claim-values JSON Schema of a template",
  usage,
  async run(argv) {
    const { values: o, positionals } = parse(argv, { stack: { type: "string" }, claim: { type: "boolean" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const id = positionals[0];
    if (!id || positionals.length > 1) throw new UsageError(`exactly one templateId is required\n\n${usage}`);
    const { config, ctx } = openStack(stack, o.project);
    const t = config.templates.find((x) => x.id === id);
    if (!t) throw new UsageError(`unknown template ${JSON.stringify(id)} in stack ${stack} (known: ${config.templates.map((x) => x.id).join(", ")})`);
    const issues = new IssueList();
    const rt = await resolveTemplate(t, stack, ctx, issues);
    issues.throwIfAny();
    const values = { title: `values of template ${id}`, ...rt!.schema };
    const claim = {
      title: `a claim of template ${id}`,
      ...claimSchema,
      properties: {
        ...claimSchema.properties,
        templateId: { type: "string", const: id },
        workspaceId: { ...claimSchema.properties.workspaceId, enum: Object.keys(config.access.workspaces ?? {}).sort() },
        values,
      },
    };
    const schema = { $schema: "http://json-schema.org/draft-07/schema#", ...(o.claim ? claim : values) };
    process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    return 0;
  },
};
