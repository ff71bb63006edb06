// Where a workload keeps its pods: the pod template of each kind that makes pods, and how many. One
// place for the steps that read or edit pod specs (usage counts their resources, depends-on what they
// mount, the overlay edits them).
import { groupOf, type KObject } from "./objects";

export type PodSpec = Record<string, unknown>;
export interface PodTemplate { spec?: PodSpec; replicas: number }

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Spec = { template?: { spec?: PodSpec }; replicas?: number; parallelism?: number; suspend?: boolean; jobTemplate?: { spec?: Spec } };

type PodKind = { group: string; template: string[]; replicas: (s?: Spec) => number };
const TEMPLATE = ["spec", "template"];
const replicated = (group: string): PodKind => ({ group, template: TEMPLATE, replicas: (s) => s?.replicas ?? 1 });

/**
 * Per kind: its API group (a custom resource named Deployment in another group makes no pods: it is not
 * overlaid, counted or waited for), the path to its pod template (the object whose `spec` is the pod
 * spec; a Pod is its own), and how many pods.
 */
const POD_KINDS: Record<string, PodKind> = {
  Pod: { group: "", template: [], replicas: () => 1 },
  Deployment: replicated("apps"),
  ReplicaSet: replicated("apps"),
  StatefulSet: replicated("apps"),
  ReplicationController: replicated(""),
  // A DaemonSet counts once: offline there are no nodes to multiply by.
  DaemonSet: { group: "apps", template: TEMPLATE, replicas: () => 1 },
  Job: { group: "batch", template: TEMPLATE, replicas: (s) => s?.parallelism ?? 1 },
  // A suspended CronJob (a stopped claim's) makes no pods.
  CronJob: { group: "batch", template: ["spec", "jobTemplate", "spec", "template"], replicas: (s) => (s?.suspend ? 0 : s?.jobTemplate?.spec?.parallelism ?? 1) },
};

/** The pod-making kind of an object, by group and kind. */
function podKind(o: Obj): PodKind | undefined {
  const kind = POD_KINDS[o?.kind];
  return kind && groupOf(typeof o?.apiVersion === "string" ? o.apiVersion : "") === kind.group ? kind : undefined;
}

/**
 * The pod template of an object whose kind makes pods (by group and kind): the very object inside `o` (so a
 * step editing a copy edits it in place) whose `spec` is the pod spec and whose `metadata` labels the
 * pods; a Pod is its own. Undefined for other kinds and where the path is missing.
 */
export function podTemplateOf(o: Obj): Obj | undefined {
  const kind = podKind(o);
  if (!kind) return undefined;
  let cur: Obj | undefined = o;
  for (const k of kind.template) cur = cur?.[k];
  return cur && typeof cur === "object" ? cur : undefined;
}

/** The pod spec and pod count of an object whose kind makes pods, else undefined. */
export function podTemplate(o: KObject): PodTemplate | undefined {
  const kind = podKind(o);
  if (!kind) return undefined;
  return { spec: podTemplateOf(o)?.spec as PodSpec | undefined, replicas: kind.replicas(o.spec as Spec | undefined) };
}
