// `kustomize build` with the pinned kustomize.
import execa from "execa";
import { toolPath } from "./tools";

export async function kustomizeBuild(dir: string, projectRoot?: string): Promise<string> {
  const r = await execa(toolPath("kustomize", projectRoot), ["build", dir], { reject: false, maxBuffer: 1 << 28 });
  if (r.exitCode !== 0) throw new Error((r.stderr || r.stdout).trim());
  return r.stdout;
}
