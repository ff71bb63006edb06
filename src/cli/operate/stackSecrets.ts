// A stack secret read offline, as `ocdp status` reads ocdp:kubeconfig: Pulumi decrypts it (the stack's
// passphrase or key, as for any stack secret) into this process only; never printed.
import type { Project } from "../../config/load";
import { pulumiCli, pulumiProject } from "./pulumiProject";

/** The decrypted value of `key` (an object) for `stack`; throws with Pulumi's reason when it cannot. */
export async function readStackSecretObject<T>(project: Project, stack: string, key: string): Promise<T> {
  const r = await pulumiCli(pulumiProject(project.root), ["config", "get", key, "--json", "--stack", stack]);
  if (r.exitCode !== 0) throw new Error(`pulumi config get ${key}: ${String(r.stderr || r.stdout).trim()}`);
  const out = JSON.parse(String(r.stdout)) as { value?: string; objectValue?: unknown };
  return (out.objectValue ?? JSON.parse(out.value ?? "null")) as T;
}
