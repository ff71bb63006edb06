import { spawnSync } from "node:child_process";
import { RenderError } from "../config/errors";
import type { Endpoint } from "../exposure/endpoints";
import { toolPath } from "../render/tools";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp endpoints --stack <name> [--json]

Prints what users reach, read from the stack's outputs through Pulumi (\`pulumi stack output
endpoints\`), as a table (claim, workspace, type, URL) or as JSON. Needs the stack's backend.`;

export const endpointsCommand: Command = {
  summary: "print the access endpoints of a deployed stack (from its Pulumi outputs)",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, json: { type: "boolean" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const { project, config } = openStack(stack, o.project);
    const r = spawnSync(toolPath("pulumi", project.root), ["stack", "output", "--json", "--stack", stack, "--non-interactive"], { cwd: project.root, encoding: "utf8" });
    if (r.status !== 0) throw new RenderError({ stack, field: "outputs" }, "pulumi stack output", r.stderr || r.stdout || String(r.error));
    const outputs = JSON.parse(r.stdout || "{}") as { endpoints?: Record<string, Endpoint[]>; workloads?: Record<string, { workspace?: string }> };
    const endpoints = outputs.endpoints ?? {};
    if (o.json) {
      process.stdout.write(`${JSON.stringify(endpoints, null, 2)}\n`);
      return 0;
    }
    const ws = new Map(config.claims.map((c) => [c.name, c.workspaceId]));
    const rows = [["CLAIM", "WORKSPACE", "TYPE", "URL"]];
    for (const [claim, list] of Object.entries(endpoints)) for (const e of list) rows.push([claim, ws.get(claim) ?? "", e.type, e.url]);
    const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n") + "\n");
    return 0;
  },
};
