import { RenderError } from "../config/errors";
import type { Endpoint } from "../steps/endpoints";
import type { StackConfig } from "../config/types";
import { type PulumiProject, pulumiCli, pulumiProject } from "./operate/pulumiProject";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp endpoints --stack <name> [--json]

Prints what users reach, read from the stack's outputs through Pulumi (\`pulumi stack output
endpoints\`), as a table (claim, workspace, type, URL) or as JSON. The backend is PULUMI_BACKEND_URL,
else the project's file backend (.pulumi-state, as \`ocdp up\` uses).`;

export const endpointsCommand: Command = {
  summary: "print the access endpoints of a deployed stack (from its Pulumi outputs)",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, json: { type: "boolean" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const { project, config } = openStack(stack, o.project);
    const endpoints = await readEndpoints(pulumiProject(project.root), stack);
    if (o.json) {
      process.stdout.write(`${JSON.stringify(endpoints, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(endpointsTable(config, endpoints));
    return 0;
  },
};

/** The stack's `endpoints` output, through Pulumi. */
export async function readEndpoints(p: PulumiProject, stack: string): Promise<Record<string, Endpoint[]>> {
  const r = await pulumiCli(p, ["stack", "output", "--json", "--stack", stack, "--non-interactive"]);
  if (r.exitCode !== 0) throw new RenderError({ stack, field: "outputs" }, "pulumi stack output", String(r.stderr || r.stdout));
  const outputs = JSON.parse(String(r.stdout) || "{}") as { endpoints?: Record<string, Endpoint[]> };
  return outputs.endpoints ?? {};
}

export function endpointsTable(config: StackConfig, endpoints: Record<string, Endpoint[]>): string {
  const ws = new Map(config.claims.map((c) => [c.name, c.workspaceId]));
  const rows = [["CLAIM", "WORKSPACE", "TYPE", "URL"]];
  for (const [claim, list] of Object.entries(endpoints)) for (const e of list) rows.push([claim, ws.get(claim) ?? "", e.type, e.url]);
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n")}\n`;
}
