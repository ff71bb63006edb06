// Registry credentials: a Pulumi secret of the stack, checked like every other piece of config (all
// problems at once, each naming stack and field) but never echoing a value, and turned into the
// `.dockerconfigjson` a kubelet reads. Pure: the Pulumi edge (src/pulumi/pullSecrets.ts) keeps it secret.
import { IssueList, type Issue } from "./errors";
import { DNS1123, registryCredentialsSchema } from "./schema";
import type { Policy, RegistryCredential } from "./types";
import { check } from "./validate";

export const CREDENTIALS_KEY = "registryCredentials";

/**
 * Parses and checks `ocdp:registryCredentials` (JSON text as Pulumi hands config to a program).
 * `referenced` are the imagePullSecrets names the stack's overlays use: a credential nobody uses is
 * reported, since a typo there would silently leave pods without their pull secret.
 */
export function parseCredentials(stack: string, raw: string | undefined, referenced: Set<string>): { credentials: Record<string, RegistryCredential>; issues: Issue[] } {
  const issues = new IssueList();
  const field = `ocdp:${CREDENTIALS_KEY}`;
  if (raw === undefined) return { credentials: {}, issues: [] };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    issues.add({ stack, field, rule: "must be an object of {server, username, password} by secret name (set with `pulumi config set --secret --path`)" });
    return { credentials: {}, issues: issues.items };
  }
  for (const i of check(registryCredentialsSchema, value, { stack }, field, true)) issues.add(i);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const name of Object.keys(value)) {
      if (!new RegExp(DNS1123).test(name) || name.length > 253) issues.add({ stack, field: `${field}.${name}`, rule: "the key is the Secret's name: it must be a DNS-1123 name" });
      else if (!referenced.has(name)) issues.add({ stack, field: `${field}.${name}`, rule: "not listed in any ocdp:policy imagePullSecrets: no workspace would use it" });
    }
  }
  return { credentials: issues.empty ? value as Record<string, RegistryCredential> : {}, issues: issues.items };
}

/** Every imagePullSecrets name the stack's overlay and workspace overrides list. */
export function referencedPullSecrets(policy: Policy): Set<string> {
  return new Set([policy.overlay, ...Object.values(policy.workspaces ?? {})].flatMap((o) => o?.imagePullSecrets ?? []));
}

/** The `.dockerconfigjson` document of one credential. */
export function dockerConfigJson(c: RegistryCredential): string {
  const auth = Buffer.from(`${c.username}:${c.password}`).toString("base64");
  return JSON.stringify({ auths: { [c.server]: { username: c.username, password: c.password, auth } } });
}
