// Where a workload keeps its pods: the pod template of each kind that makes pods, and how many. One
// place for the steps that read pod specs (usage counts their resources, depends-on what they mount).
import type { KObject } from "./objects";

export type PodSpec = Record<string, unknown>;
export interface PodTemplate { spec?: PodSpec; replicas: number }

type Spec = { template?: { spec?: PodSpec }; replicas?: number; parallelism?: number; jobTemplate?: { spec?: Spec } };
const replicated = (s?: Spec): PodTemplate => ({ spec: s?.template?.spec, replicas: s?.replicas ?? 1 });

const POD_KINDS: Record<string, (s?: Spec) => PodTemplate> = {
  Pod: (s) => ({ spec: s as PodSpec | undefined, replicas: 1 }),
  Deployment: replicated,
  ReplicaSet: replicated,
  StatefulSet: replicated,
  ReplicationController: replicated,
  // A DaemonSet counts once: offline there are no nodes to multiply by.
  DaemonSet: (s) => ({ spec: s?.template?.spec, replicas: 1 }),
  Job: (s) => ({ spec: s?.template?.spec, replicas: s?.parallelism ?? 1 }),
  CronJob: (s) => ({ spec: s?.jobTemplate?.spec?.template?.spec, replicas: s?.jobTemplate?.spec?.parallelism ?? 1 }),
};

/** The pod template of an object whose kind makes pods (by kind alone), else undefined. */
export function podTemplate(o: KObject): PodTemplate | undefined {
  return POD_KINDS[o.kind]?.(o.spec as Spec | undefined);
}
