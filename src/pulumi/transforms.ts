// The environment overlay, the namespace guard, the ocdp labels and PVC retention, applied to every
// child that Chart v4 / Directory v2 register, as Pulumi `transforms`. The object functions are the
// very ones the offline executor runs (src/steps), so both executors produce the same objects.
import type * as pulumi from "@pulumi/pulumi";
import type { UserInput } from "../catalog/userInputs";
import type { Overlay } from "../config/types";
import { finishObject } from "../steps/finish";
import type { GuardContext } from "../steps/guards";
import type { KObject } from "../steps/objects";

/** Component and provider types are not Kubernetes objects: transforms only touch `kubernetes:<group>/<version>:<Kind>` children. */
export function isKubernetesChild(args: Pick<pulumi.ResourceTransformArgs, "custom" | "type">): boolean {
  return args.custom && /^kubernetes:[^:]+:[A-Za-z]+$/.test(args.type) && !args.type.startsWith("kubernetes:helm.sh/")
    && !args.type.startsWith("kubernetes:kustomize") && !args.type.startsWith("kubernetes:yaml") && args.type !== "pulumi:providers:kubernetes";
}

export interface ChildPolicy {
  overlay: Overlay;
  guard: GuardContext;
  /** ocdp:cluster.timeouts.readiness: how long Pulumi waits for each child to be ready. */
  readiness?: string;
  /** The claim's inputs: string inputs that kustomize turned into numbers get their type back. */
  inputs?: UserInput[];
  /** Kinds that get `pulumi.com/skipAwait` (ocdp:cluster.skipAwait, e.g. Services with no load balancer controller). */
  skipAwaitKinds?: string[];
}

/**
 * What a child's props become: string inputs restored, overlay, then guard (throws on a foreign namespace
 * or a cluster-scoped kind): the order of the offline executor.
 */
export function transformProps(props: Record<string, unknown>, policy: ChildPolicy): Record<string, unknown> {
  const out = finishObject(props as KObject, policy) as Record<string, unknown>;
  return policy.skipAwaitKinds?.includes(out.kind as string) ? skipAwait(out) : out;
}

function skipAwait(o: Record<string, unknown>): Record<string, unknown> {
  const m = (o.metadata ?? {}) as { annotations?: Record<string, string> };
  return { ...o, metadata: { ...m, annotations: { ...(m.annotations ?? {}), "pulumi.com/skipAwait": "true" } } };
}

/**
 * PVCs keep the data when a claim goes away; re-adding the claim takes the same object back. A readiness
 * timeout bounds how long the provider waits for the child (create and update).
 */
export function transformOpts(props: Record<string, unknown>, opts: pulumi.ResourceOptions, readiness?: string): pulumi.ResourceOptions {
  const out = readiness ? { ...opts, customTimeouts: { ...opts.customTimeouts, create: readiness, update: readiness } } : opts;
  if (props.kind !== "PersistentVolumeClaim") return out;
  return { ...out, retainOnDelete: true };
}

/** One transform per Chart/Directory: every child is one callback from the engine to the program. */
export function childTransform(policy: ChildPolicy): pulumi.ResourceTransform {
  return (args) => {
    if (!isKubernetesChild(args) || typeof args.props?.kind !== "string") return undefined;
    const props = transformProps(args.props as Record<string, unknown>, policy);
    return { props, opts: transformOpts(props, args.opts, policy.readiness) };
  };
}
