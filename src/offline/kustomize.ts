// `kustomize build` with the pinned kustomize.
import { runTool } from "./tools";

export async function kustomizeBuild(dir: string, projectRoot?: string): Promise<string> {
  return (await runTool("kustomize", ["build", dir], { projectRoot })).stdout;
}
