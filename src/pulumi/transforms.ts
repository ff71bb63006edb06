// The one transform left: a Directory's volumes outlive their claim. Chart v4 reads
// `helm.sh/resource-policy: keep` (the finishing step writes it on every PVC) and sets retainOnDelete;
// Directory v2 reads no such annotation, so a Directory with volumes passes its children through this.
// Every child is then one callback from the engine into this program: only those Directories get it.
import type * as pulumi from "@pulumi/pulumi";

/** Component and provider types are not Kubernetes objects: transforms only touch `kubernetes:<group>/<version>:<Kind>` children. */
export function isKubernetesChild(args: Pick<pulumi.ResourceTransformArgs, "custom" | "type">): boolean {
  return args.custom && /^kubernetes:[^:]+:[A-Za-z]+$/.test(args.type) && !args.type.startsWith("kubernetes:helm.sh/")
    && !args.type.startsWith("kubernetes:kustomize") && !args.type.startsWith("kubernetes:yaml") && args.type !== "pulumi:providers:kubernetes";
}

/** PVCs keep the data when a claim goes away; re-adding the claim takes the same object back. Others: unchanged. */
export const retainVolumes: pulumi.ResourceTransform = (args) => {
  if (args.type !== "kubernetes:core/v1:PersistentVolumeClaim" || !isKubernetesChild(args)) return undefined;
  return { props: args.props, opts: { ...args.opts, retainOnDelete: true } };
};
