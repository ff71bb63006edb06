// Why a claim is (not) running, in one line, from the live objects: the claim's workloads, pods, volumes
// and the events about them. Pure: the objects in, a verdict out (the CLI fetches them with kubectl).
import { type Endpoint, userEndpoints } from "../../steps/endpoints";
import type { KObject } from "../../steps/objects";
import { requiredReferences } from "../../steps/references";
import { bytes } from "../../steps/usage/quantity";
import { claimUsage } from "../../steps/usage/usage";

export type State = "ready" | "progressing" | "failed" | "missing" | "stopped";

export interface ClaimStatus {
  claim: string;
  workspace: string;
  namespace: string;
  state: State;
  /** One line: what is wrong (or "N/N replicas available"). */
  reason: string;
  endpoints: Endpoint[];
  gpus: number;
}

export interface Live {
  /** The claim's objects (labelled ocdp.io/claim): workloads, pods, PVCs, Services, Ingresses. */
  objects: KObject[];
  /** Events of the namespace. */
  events: KObject[];
  storageClasses: KObject[];
  /** `Kind/name` of every Secret, ConfigMap, PersistentVolumeClaim and ServiceAccount of the namespace (absent: not checked). */
  present?: Set<string>;
}

type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const WORKLOADS = new Set(["Deployment", "StatefulSet"]);
/** Waiting reasons that do not heal by waiting. */
const FATAL_WAIT = new Set(["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError"]);

function latestEvent(events: KObject[], kind: string, name: string, reasons?: string[]): Obj | undefined {
  return (events as Obj[])
    .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name && (!reasons || reasons.includes(e.reason)))
    .sort((a, b) => Date.parse(b.lastTimestamp ?? b.eventTime ?? 0) - Date.parse(a.lastTimestamp ?? a.eventTime ?? 0))[0];
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function podProblem(pod: Obj, events: KObject[], present?: Set<string>): { fatal: boolean; reason: string } | undefined {
  const name = `Pod ${pod.metadata.name}`;
  // As a kubelet would say it, on any cluster: the local one starts such pods anyway.
  const missing = present && pod.spec ? requiredReferences(pod.spec).find((r) => !present.has(`${r.kind}/${r.name}`)) : undefined;
  if (missing) return { fatal: true, reason: `${name}: waiting: ${missing.kind} ${missing.name} not found (${missing.via})` };
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    if (w && FATAL_WAIT.has(w.reason)) return { fatal: true, reason: `${name}: container ${c.name} ${w.reason}${w.message ? `: ${oneLine(w.message)}` : ""}` };
    const t = c.state?.terminated ?? c.lastState?.terminated;
    if (t && t.exitCode && c.restartCount > 2) return { fatal: true, reason: `${name}: container ${c.name} exits with ${t.exitCode} (${t.reason ?? "error"}), restarted ${c.restartCount} times` };
  }
  const scheduled = pod.status?.conditions?.find((c: Obj) => c.type === "PodScheduled");
  if (scheduled?.status === "False") {
    const ev = latestEvent(events, "Pod", pod.metadata.name, ["FailedScheduling"]);
    return { fatal: scheduled.reason === "Unschedulable", reason: `${name} cannot be scheduled: ${oneLine(ev?.message ?? scheduled.message ?? scheduled.reason)}` };
  }
  const pull = latestEvent(events, "Pod", pod.metadata.name, ["Failed"]);
  if (pull && /pull/i.test(pull.message ?? "")) return { fatal: true, reason: `${name}: ${oneLine(pull.message)}` };
  const ready = pod.status?.conditions?.find((c: Obj) => c.type === "Ready");
  if (ready?.status !== "True") return { fatal: false, reason: `${name} not ready${ready?.reason ? ` (${ready.reason})` : ""}` };
  return undefined;
}

function pvcProblem(pvc: Obj, events: KObject[], classes: KObject[]): { fatal: boolean; reason: string } | undefined {
  const name = `PersistentVolumeClaim ${pvc.metadata.name}`;
  if (pvc.status?.phase !== "Bound") {
    const ev = latestEvent(events, "PersistentVolumeClaim", pvc.metadata.name);
    return { fatal: false, reason: `${name} is ${pvc.status?.phase ?? "Pending"}${ev ? `: ${oneLine(ev.message)}` : ""}` };
  }
  const want = pvc.spec?.resources?.requests?.storage;
  const has = pvc.status?.capacity?.storage;
  // A volume larger than asked for is normal (a bigger PV bound); only a grown request waits for a resize.
  if (want && has && (bytes(want) ?? 0) > (bytes(has) ?? 0)) {
    const sc = (classes as Obj[]).find((c) => c.metadata.name === pvc.spec?.storageClassName);
    if (sc && !sc.allowVolumeExpansion) return { fatal: true, reason: `${name} asks for ${want} but has ${has}: StorageClass ${sc.metadata.name} cannot expand volumes (allowVolumeExpansion is not set)` };
    const ev = latestEvent(events, "PersistentVolumeClaim", pvc.metadata.name, ["VolumeResizeFailed", "ExternalExpanding", "Resizing"]);
    return { fatal: ev?.reason === "VolumeResizeFailed", reason: `${name} is being resized from ${has} to ${want}${ev ? `: ${oneLine(ev.message)}` : ""}` };
  }
  return undefined;
}

/** `stopped`: the stack file says the claim is stopped (`state: stopped`). */
export function claimStatus(claim: string, workspace: string, namespace: string, accessHost: string, live: Live, stopped = false): ClaimStatus {
  const o = live.objects as Obj[];
  const services = o.filter((x) => x.kind === "Service").map((s) => ({
    name: s.metadata.name, namespace: s.metadata.namespace, type: s.spec?.type,
    ports: (s.spec?.ports ?? []).map((p: Obj) => ({ name: p.name, port: p.port, nodePort: p.nodePort })),
    loadBalancer: s.status?.loadBalancer,
  }));
  const ingresses = o.filter((x) => x.kind === "Ingress").map((i) => ({ name: i.metadata.name, namespace: i.metadata.namespace, rules: i.spec?.rules ?? [], tls: i.spec?.tls ?? [] }));
  const workloads = o.filter((x) => WORKLOADS.has(x.kind));
  const base = { claim, workspace, namespace, endpoints: userEndpoints(services, ingresses, accessHost), gpus: claimUsage(claim, workspace, workloads).amounts["nvidia.com/gpu"] };
  if (o.length === 0) return { ...base, state: "missing", reason: "nothing of it in the cluster: not deployed yet (pulumi up)" };
  if (stopped) {
    const running = workloads.filter((w) => (w.spec?.replicas ?? 1) > 0);
    const pods = o.filter((x) => x.kind === "Pod");
    if (running.length) return { ...base, state: "progressing", reason: `stopped in the stack file, not yet in the cluster: ${running[0].kind} ${running[0].metadata.name} has ${running[0].spec?.replicas ?? 1} replicas (pulumi up)` };
    if (pods.length) return { ...base, state: "progressing", reason: `stopping: ${pods.length} pod(s) still terminating` };
    return { ...base, state: "stopped", reason: "stopped: no pods; its volumes, Secrets and address are kept (ocdp claim start runs it again)" };
  }

  const problems = [
    ...o.filter((x) => x.kind === "PersistentVolumeClaim").map((p) => pvcProblem(p, live.events, live.storageClasses)),
    ...o.filter((x) => x.kind === "Pod").map((p) => podProblem(p, live.events, live.present)),
  ].filter((p): p is { fatal: boolean; reason: string } => !!p);
  const notAvailable = workloads.filter((w) => (w.status?.availableReplicas ?? w.status?.readyReplicas ?? 0) < (w.spec?.replicas ?? 1) || (w.status?.observedGeneration ?? 0) < (w.metadata?.generation ?? 0));
  const deadline = workloads.map((w) => w.status?.conditions?.find((c: Obj) => c.type === "Progressing" && c.status === "False")).find(Boolean);
  const fatal = problems.find((p) => p.fatal);
  if (fatal) return { ...base, state: "failed", reason: fatal.reason };
  if (deadline) return { ...base, state: "failed", reason: oneLine(deadline.message ?? deadline.reason) };
  if (notAvailable.length || problems.length) {
    const w = notAvailable[0];
    const why = problems[0]?.reason ?? `${w.kind} ${w.metadata.name}: ${w.status?.availableReplicas ?? 0}/${w.spec?.replicas ?? 1} replicas available`;
    return { ...base, state: "progressing", reason: why };
  }
  const total = workloads.reduce((n, w) => n + (w.spec?.replicas ?? 1), 0);
  return { ...base, state: "ready", reason: `${total}/${total} replicas available` };
}
