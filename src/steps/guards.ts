// Guards: every object lands in the claim's workspace namespace and carries the ocdp labels;
// cluster-scoped kinds and foreign namespaces are refused. Pure: one object in, one object (or a
// refusal) out: the finishing step (./finish.ts) runs it wherever objects are finished.
import { addLabels } from "./overlay";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Kinds that exist outside any namespace: a claim may create none of them. */
export const CLUSTER_SCOPED = new Set([
  "Namespace", "Node", "PersistentVolume", "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment",
  "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService", "PriorityClass",
  "RuntimeClass", "IngressClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PodSecurityPolicy",
  "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration", "ComponentStatus",
]);

/**
 * Cluster-scoped custom kinds cannot be told from the manifest alone (no discovery offline); by
 * convention they are named `Cluster<Thing>` (ClusterIssuer, ClusterSecretStore, ClusterPolicy...).
 */
export function isClusterScoped(kind: string, extra: readonly string[] = []): boolean {
  return CLUSTER_SCOPED.has(kind) || /^Cluster[A-Z]/.test(kind) || extra.includes(kind);
}

export const LABEL_CLAIM = "ocdp.io/claim";
export const LABEL_TEMPLATE = "ocdp.io/template";
export const LABEL_WORKSPACE = "ocdp.io/workspace";

export interface GuardContext {
  claim: string;
  template: string;
  workspaceId: string;
  namespace: string;
  /** Site kinds known to be cluster-scoped (ocdp:policy.clusterScopedKinds). */
  clusterScopedKinds?: readonly string[];
}

export class GuardViolation extends Error {
  constructor(readonly object: string, readonly rule: string) {
    super(`${object}: ${rule}`);
    this.name = "GuardViolation";
  }
}

export function claimLabels(ctx: GuardContext): Record<string, string> {
  return { [LABEL_CLAIM]: ctx.claim, [LABEL_TEMPLATE]: ctx.template, [LABEL_WORKSPACE]: ctx.workspaceId };
}

/** Returns the guarded object, or throws GuardViolation. */
export function guard(o: Obj, ctx: GuardContext): Obj {
  const id = `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
  if (!o?.kind || !o?.metadata?.name) throw new GuardViolation(id, "not a Kubernetes object (kind and metadata.name required)");
  if (isClusterScoped(o.kind, ctx.clusterScopedKinds)) throw new GuardViolation(id, `cluster-scoped kind ${o.kind} is not allowed in a claim`);
  const ns = o.metadata.namespace;
  if (ns !== undefined && ns !== null && ns !== ctx.namespace) {
    throw new GuardViolation(id, `namespace ${JSON.stringify(ns)} is outside the workspace namespace ${ctx.namespace}`);
  }
  const labelled = addLabels(claimLabels(ctx))(o);
  labelled.metadata.namespace = ctx.namespace;
  return labelled;
}
