// What the cluster's applier is told about each object, written on the object itself: how long Pulumi
// waits for it (`pulumi.com/timeoutSeconds`), which kinds it does not wait for (`pulumi.com/skipAwait`),
// and that a volume outlives its claim (`helm.sh/resource-policy: keep`, which Chart v4 turns into
// `retainOnDelete`). As annotations, not Pulumi resource options set by a transform, so the provider
// reads them from the objects the post-renderer prints and no child costs a callback into the program;
// and `ocdp render` prints exactly what is applied. Every object carries `pulumi.com/patchForce`: the
// stack is the source of truth for each field it sets, so a field set behind Pulumi's back (`kubectl
// edit`, `kubectl scale`: drift) is taken back by the next `up` instead of failing it with a server-side
// apply conflict, and `ocdp drift`'s refresh preview can show it as a change (both seen in the e2e run
// before). Fields the stack does not set stay with whoever set them. A kept volume needs it too: it is
// taken back by a later claim of the same name under a new Pulumi field manager.
import type { ApplyOptions } from "../config/types";
import type { KObject } from "./objects";

export const SKIP_AWAIT = "pulumi.com/skipAwait";
export const TIMEOUT_SECONDS = "pulumi.com/timeoutSeconds";
export const RESOURCE_POLICY = "helm.sh/resource-policy";
export const PATCH_FORCE = "pulumi.com/patchForce";

/** A PersistentVolumeClaim of the core group (a custom kind of the same name is not one). */
export const isVolumeClaim = (o: KObject) => o.kind === "PersistentVolumeClaim" && o.apiVersion === "v1";

/** The object with its apply annotations (a copy when any is added): the stack's settings win over the preset's. */
export function applyAnnotations(o: KObject, opts: ApplyOptions): KObject {
  const add: Record<string, string> = {};
  if (opts.skipAwaitKinds?.includes(o.kind)) add[SKIP_AWAIT] = "true";
  if (opts.timeoutSeconds) add[TIMEOUT_SECONDS] = String(opts.timeoutSeconds);
  if (isVolumeClaim(o)) add[RESOURCE_POLICY] = "keep";
  add[PATCH_FORCE] = "true";
  return { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), ...add } } };
}
