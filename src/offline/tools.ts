// Where the pinned tools are (.tools/bin of the project, from `npm run setup`, else PATH), and one way
// to run them: a tool that is missing or dies says so in words a user can act on, not as an empty error.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import execa from "execa";

const packageRoot = resolve(__dirname, "..", "..", "..");

export type Tool = "helm" | "kustomize" | "pulumi" | "kubectl" | "git";

export function toolPath(name: Tool, projectRoot?: string): string {
  const env = process.env[`OCDP_${name.toUpperCase()}`];
  if (env) return env;
  for (const root of [projectRoot, packageRoot]) {
    if (!root) continue;
    const p = join(root, ".tools", "bin", name);
    if (existsSync(p)) return p;
  }
  return name;
}

export interface ToolRun {
  stdout: string;
}

/** Runs a tool with an argument array (never a shell); throws an Error carrying the tool's own words. */
export async function runTool(name: Tool, args: string[], opts: execa.Options & { projectRoot?: string } = {}): Promise<ToolRun> {
  const { projectRoot, ...rest } = opts;
  const bin = name === "git" ? "git" : toolPath(name, projectRoot);
  const r = await execa(bin, args, { reject: false, maxBuffer: 1 << 28, ...rest });
  if ((r as { code?: unknown }).code === "ENOENT") {
    throw new Error(`${name} not found (looked for ${bin}): run \`npm run setup\` to install the pinned tools`);
  }
  if (r.exitCode !== 0) {
    const said = String(r.stderr || r.stdout || "").trim();
    throw new Error(said || `${name} exited with ${r.exitCode ?? r.signal ?? "an error"} and said nothing`);
  }
  return { stdout: String(r.stdout) };
}
