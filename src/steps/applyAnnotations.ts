// What the cluster's applier is told about each object, written on the object itself: how long Pulumi
// waits for it (`pulumi.com/timeoutSeconds`), which kinds it does not wait for (`pulumi.com/skipAwait`),
// and that a volume outlives its claim (`helm.sh/resource-policy: keep`, which Chart v4 turns into
// `retainOnDelete`). As annotations, not Pulumi resource options set by a transform, so the provider
// reads them from the objects the post-renderer prints and no child costs a callback into the program;
// and `ocdp render` prints exactly what is applied. A kept volume is taken back by a later claim of the
// same name under a new Pulumi field manager, while the manager of its first life still owns its fields:
// without `pulumi.com/patchForce` any change to them (the timeout annotation when the stack's readiness
// changes) would fail with a server-side apply conflict (seen in the e2e run). PVCs only: forcing other
// objects could take fields from controllers that own them on purpose.
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
  if (isVolumeClaim(o)) Object.assign(add, { [RESOURCE_POLICY]: "keep", [PATCH_FORCE]: "true" });
  if (Object.keys(add).length === 0) return o;
  return { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), ...add } } };
}
