// Image pull Secrets from the stack's registry credentials: one `kubernetes.io/dockerconfigjson` Secret
// per workspace namespace and credential that a claim of that workspace lists in `imagePullSecrets`.
// The document is built inside `pulumi.secret`, so state, previews and logs only ever hold ciphertext.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dockerConfigJson } from "../config/credentials";
import type { RegistryCredential } from "../config/types";
import type { ResolvedClaim } from "../catalog/resolve";

/** Which credential names each namespace needs: the pure half, tested on its own. */
export function pullSecretsByNamespace(claims: ResolvedClaim[], available: Set<string>): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const rc of claims) {
    for (const name of rc.overlay.imagePullSecrets ?? []) {
      if (!available.has(name)) continue; // managed outside ocdp
      if (!out.has(rc.namespace)) out.set(rc.namespace, new Set());
      out.get(rc.namespace)!.add(name);
    }
  }
  return new Map([...out].map(([ns, names]) => [ns, [...names].sort()]));
}

export function pullSecrets(claims: ResolvedClaim[], credentials: Record<string, RegistryCredential>,
  namespaces: Map<string, k8s.core.v1.Namespace>, provider: k8s.Provider): Map<string, k8s.core.v1.Secret[]> {
  const out = new Map<string, k8s.core.v1.Secret[]>();
  for (const [ns, names] of pullSecretsByNamespace(claims, new Set(Object.keys(credentials)))) {
    out.set(ns, names.map((name) => new k8s.core.v1.Secret(`${ns}-${name}`, {
      metadata: { name, namespace: ns, labels: { "app.kubernetes.io/managed-by": "ocdp", "ocdp.io/role": "image-pull-secret" } },
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": pulumi.secret(dockerConfigJson(credentials[name])) },
    }, { provider, dependsOn: [namespaces.get(ns)!], additionalSecretOutputs: ["data", "stringData"] })));
  }
  return out;
}
