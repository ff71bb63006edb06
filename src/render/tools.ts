// Where the pinned helm and kustomize are: .tools/bin of the project (npm run setup), else PATH.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const packageRoot = resolve(__dirname, "..", "..", "..");

export function toolPath(name: "helm" | "kustomize" | "pulumi" | "kubectl", projectRoot?: string): string {
  const env = process.env[`OCDP_${name.toUpperCase()}`];
  if (env) return env;
  for (const root of [projectRoot, packageRoot]) {
    if (!root) continue;
    const p = join(root, ".tools", "bin", name);
    if (existsSync(p)) return p;
  }
  return name;
}
