import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** `ocdp:cluster.kubeconfig` as a path: `~/` is the home folder, a relative path is from the project root. */
export function kubeconfigPath(p: string, root: string): string {
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? p : join(root, p);
}
