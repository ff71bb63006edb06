import { RenderError } from "../config/errors";
import type { Endpoint } from "../steps/endpoints";
import type { StackConfig } from "../config/types";
import { type PulumiProject, pulumiCli, pulumiProject } from "./operate/pulumiProject";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp endpoints --stack <name> [--claim <name>]... [--show-secrets] [--json]

Prints what users reach, read from the stack's outputs through Pulumi (\`pulumi stack output\`), as a
table (claim, workspace, type, URL) or as JSON, and the values a claim's chart generated for its login
(a password), masked unless --show-secrets. The backend is PULUMI_BACKEND_URL, else the project's file
backend (.pulumi-state, as \`ocdp up\` uses).
  --claim         only this claim (repeatable)
  --show-secrets  print the generated values (Pulumi decrypts them: the stack's passphrase or key)`;

export interface StackEndpoints {
  endpoints: Record<string, Endpoint[]>;
  /** Per claim, `<Secret>/<key>` -> value; values are absent unless shown. */
  credentials: Record<string, Record<string, string | undefined>>;
}

export const endpointsCommand: Command = {
  summary: "print the access endpoints of a deployed stack (from its Pulumi outputs), and generated logins",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, {
      stack: { type: "string" }, claim: { type: "string", multiple: true }, "show-secrets": { type: "boolean" }, json: { type: "boolean" },
    }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const { project, config } = openStack(stack, o.project);
    const all = await readStackEndpoints(pulumiProject(project.root), stack, !!o["show-secrets"]);
    const keep = (claim: string) => !o.claim || o.claim.includes(claim);
    const only = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).filter(([c]) => keep(c)));
    const shown = { endpoints: only(all.endpoints), credentials: only(all.credentials) };
    if (o.json) {
      process.stdout.write(`${JSON.stringify(o["show-secrets"] ? shown : shown.endpoints, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(endpointsTable(config, shown.endpoints));
    if (Object.keys(shown.credentials).length) process.stdout.write(`\n${credentialsTable(shown.credentials)}`);
    return 0;
  },
};

/** The stack's `endpoints` output, through Pulumi. */
export async function readEndpoints(p: PulumiProject, stack: string): Promise<Record<string, Endpoint[]>> {
  return (await readStackEndpoints(p, stack, false)).endpoints;
}

/** Endpoints and generated logins from the stack's outputs; secret values only with `show`. */
export async function readStackEndpoints(p: PulumiProject, stack: string, show: boolean): Promise<StackEndpoints> {
  const r = await pulumiCli(p, ["stack", "output", "--json", "--stack", stack, "--non-interactive", ...(show ? ["--show-secrets"] : [])]);
  if (r.exitCode !== 0) throw new RenderError({ stack, field: "outputs" }, "pulumi stack output", String(r.stderr || r.stdout));
  const outputs = JSON.parse(String(r.stdout) || "{}") as { endpoints?: Record<string, Endpoint[]>; credentials?: unknown; credentialNames?: Record<string, string[]> };
  const values = show && outputs.credentials && typeof outputs.credentials === "object" ? outputs.credentials as Record<string, Record<string, string>> : {};
  const credentials = Object.fromEntries(Object.entries(outputs.credentialNames ?? {}).map(([claim, names]) =>
    [claim, Object.fromEntries(names.map((n) => [n, values[claim]?.[n]]))]));
  return { endpoints: outputs.endpoints ?? {}, credentials };
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n")}\n`;
}

export function endpointsTable(config: StackConfig, endpoints: Record<string, Endpoint[]>): string {
  const ws = new Map(config.claims.map((c) => [c.name, c.workspaceId]));
  const rows = [["CLAIM", "WORKSPACE", "TYPE", "URL"]];
  // A stopped claim's outputs say "stopped" where its URL was; it gets the same one back when started.
  for (const [claim, list] of Object.entries(endpoints)) for (const e of list) rows.push([claim, ws.get(claim) ?? "", e.type, e.url === "stopped" ? "stopped (ocdp claim start)" : e.url]);
  return table(rows);
}

export function credentialsTable(credentials: StackEndpoints["credentials"]): string {
  const rows = [["CLAIM", "SECRET", "VALUE"]];
  for (const [claim, values] of Object.entries(credentials)) {
    for (const [name, v] of Object.entries(values)) rows.push([claim, `${name}`, v ?? "******** (--show-secrets)"]);
  }
  return table(rows);
}
