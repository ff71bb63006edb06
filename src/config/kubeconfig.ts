import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import type { Issue } from "./errors";
import type { StackConfig } from "./types";

/** `ocdp:cluster.kubeconfig` as a path: `~/` is the home folder, a relative path is from the project root. */
export function kubeconfigPath(p: string, root: string): string {
  if (p.startsWith("~/")) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? p : join(root, p);
}

/** Where README tells an admin how to point a stack at its cluster. */
export const POINT_AT_CLUSTER = "docs/admins.md#deploying-a-stack";

/**
 * Why the stack's cluster cannot be reached from its kubeconfig file, said once and before Pulumi runs
 * (the provider would otherwise create resources in the state and then fail once per resource): the
 * file is missing or unreadable, is not a kubeconfig, or names no such context. A stack whose
 * kubeconfig is the secret `ocdp:kubeconfig` is checked by the provider itself.
 */
export function kubeconfigProblem(config: StackConfig, root: string, env: NodeJS.ProcessEnv = process.env): Issue | undefined {
  const c = config.cluster;
  const field = c.kubeconfig ? "ocdp:cluster.kubeconfig" : "ocdp:cluster";
  const files = c.kubeconfig ? [kubeconfigPath(c.kubeconfig, root)] : (env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), ".kube", "config")]);
  const shown = c.kubeconfig ? `${c.kubeconfig}${c.kubeconfig !== files[0] ? ` (${files[0]})` : ""}` : files.join(delimiter);
  const fix = `point the stack at its cluster (${POINT_AT_CLUSTER})`;
  const issue = (rule: string): Issue => ({ stack: config.stack, field, rule: `${rule}; ${fix}` });
  const present = files.filter((f) => existsSync(f));
  if (!present.length) return issue(`kubeconfig ${shown} does not exist`);
  const contexts = new Set<string>();
  for (const f of present) {
    try {
      accessSync(f, constants.R_OK);
    } catch {
      return issue(`kubeconfig ${f} cannot be read`);
    }
    let doc: { contexts?: { name?: string }[]; "current-context"?: string } | null;
    try {
      doc = parse(readFileSync(f, "utf8"));
    } catch {
      return issue(`kubeconfig ${f} is not YAML`);
    }
    if (!doc || typeof doc !== "object") return issue(`kubeconfig ${f} is not a kubeconfig`);
    for (const x of doc.contexts ?? []) if (typeof x?.name === "string") contexts.add(x.name);
    if (!c.context && doc["current-context"]) contexts.add(doc["current-context"]);
  }
  if (c.context && !contexts.has(c.context)) return issue(`kubeconfig ${shown} names no context ${JSON.stringify(c.context)} (it has ${[...contexts].join(", ") || "none"})`);
  if (!contexts.size) return issue(`kubeconfig ${shown} names no context`);
  return undefined;
}
