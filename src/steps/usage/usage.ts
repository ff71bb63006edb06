// What a claim uses, read from its rendered objects the way the scheduler and HAMi count it. Pure.
//
// Per pod template: each container's limit (or, without one, its request); a pod is the sum of its
// containers (and sidecar init containers), or its largest init container if that is more; times the
// replicas (Deployment, ReplicaSet, StatefulSet: spec.replicas, default 1; Job: parallelism; a DaemonSet
// counts once: offline there are no nodes to multiply by). HAMi's nvidia.com/gpumem and gpucores are per
// GPU, so they are multiplied by the container's nvidia.com/gpu. A GPU container without gpumem (or 0)
// takes whole devices: it counts `gpuDeviceMemory` MiB per GPU (ocdp:policy), and without that setting
// its memory is uncounted (a gpumem budget then refuses it). Without gpucores (or 0) a GPU counts 100.
// Storage is every PersistentVolumeClaim's request, and a StatefulSet's volumeClaimTemplates x replicas.
import type { KObject } from "../objects";
import { podTemplate } from "../pods";
import { bytes, milliCpu, parseQuantity } from "./quantity";

export const RESOURCES = ["claims", "nvidia.com/gpu", "nvidia.com/gpumem", "nvidia.com/gpucores", "cpu", "memory", "storage"] as const;
export type Resource = (typeof RESOURCES)[number];
/** cpu in millicores, memory and storage in bytes, gpumem in MiB, gpucores in percent units. */
export type Amounts = Record<Resource, number>;

export const zero = (): Amounts => ({ claims: 0, "nvidia.com/gpu": 0, "nvidia.com/gpumem": 0, "nvidia.com/gpucores": 0, cpu: 0, memory: 0, storage: 0 });

export interface ClaimUsage {
  claim: string;
  workspace: string;
  amounts: Amounts;
  /** GPUs taken whole whose memory could not be counted (no gpuDeviceMemory). */
  uncountedGpus: number;
  /** Containers (`Kind/name:container`) that set no cpu / memory request or limit. */
  noCpu: string[];
  noMemory: string[];
}

type Res = Record<string, unknown>;
interface Container { name?: string; resources?: { limits?: Res; requests?: Res }; restartPolicy?: string }
interface PodSpec { containers?: Container[]; initContainers?: Container[] }

type Pod = Omit<Amounts, "claims" | "storage"> & { uncounted: number };
const POD_KEYS = ["nvidia.com/gpu", "nvidia.com/gpumem", "nvidia.com/gpucores", "cpu", "memory", "uncounted"] as const;
const none = (): Pod => ({ "nvidia.com/gpu": 0, "nvidia.com/gpumem": 0, "nvidia.com/gpucores": 0, cpu: 0, memory: 0, uncounted: 0 });

function amountOf(c: Container, r: string): unknown {
  return c.resources?.limits?.[r] ?? c.resources?.requests?.[r];
}

function container(c: Container, deviceMemory: number | undefined): Pod {
  const num = (r: string) => parseQuantity(amountOf(c, r) as string | number | undefined) ?? 0;
  const gpus = num("nvidia.com/gpu");
  const out = none();
  out["nvidia.com/gpu"] = gpus;
  if (gpus > 0) {
    const mem = num("nvidia.com/gpumem");
    const pct = num("nvidia.com/gpumem-percentage");
    if (mem > 0) out["nvidia.com/gpumem"] = mem * gpus;
    else if (deviceMemory !== undefined) out["nvidia.com/gpumem"] = Math.ceil(deviceMemory * (pct > 0 ? Math.min(pct, 100) / 100 : 1)) * gpus;
    else out.uncounted = gpus;
    const cores = num("nvidia.com/gpucores");
    out["nvidia.com/gpucores"] = (cores > 0 ? Math.min(cores, 100) : 100) * gpus;
  }
  out.cpu = milliCpu(amountOf(c, "cpu") as string | number | undefined) ?? 0;
  out.memory = bytes(amountOf(c, "memory") as string | number | undefined) ?? 0;
  return out;
}

function add(a: Pod, b: Pod): Pod {
  const out = none();
  for (const k of POD_KEYS) out[k] = a[k] + b[k];
  return out;
}

/** The scheduler's effective pod: max(sum of containers + sidecars, largest init container + sidecars). */
function pod(spec: PodSpec, deviceMemory: number | undefined): Pod {
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  const inits = (spec.initContainers ?? []).filter((c) => c.restartPolicy !== "Always");
  const base = [...(spec.containers ?? []), ...sidecars].map((c) => container(c, deviceMemory)).reduce(add, none());
  const side = sidecars.map((c) => container(c, deviceMemory)).reduce(add, none());
  const out = { ...base };
  for (const i of inits.map((c) => add(container(c, deviceMemory), side))) {
    for (const k of POD_KEYS) out[k] = Math.max(out[k], i[k]);
  }
  return out;
}

function storageOf(o: KObject): number {
  if (o.kind === "PersistentVolumeClaim") {
    return bytes((o.spec as { resources?: { requests?: { storage?: string } } })?.resources?.requests?.storage) ?? 0;
  }
  if (o.kind === "StatefulSet" && String(o.apiVersion).startsWith("apps/")) {
    const s = o.spec as { replicas?: number; volumeClaimTemplates?: { spec?: { resources?: { requests?: { storage?: string } } } }[] };
    const per = (s?.volumeClaimTemplates ?? []).reduce((n, t) => n + (bytes(t.spec?.resources?.requests?.storage) ?? 0), 0);
    return per * (s?.replicas ?? 1);
  }
  return 0;
}

export function claimUsage(claim: string, workspace: string, objects: KObject[], deviceMemory?: number): ClaimUsage {
  const u: ClaimUsage = { claim, workspace, amounts: { ...zero(), claims: 1 }, uncountedGpus: 0, noCpu: [], noMemory: [] };
  for (const o of objects) {
    u.amounts.storage += storageOf(o);
    const t = podTemplate(o);
    const spec = t?.spec as PodSpec | undefined;
    if (!t || !spec) continue;
    const p = pod(spec, deviceMemory);
    for (const k of ["nvidia.com/gpu", "nvidia.com/gpumem", "nvidia.com/gpucores", "cpu", "memory"] as const) u.amounts[k] += p[k] * t.replicas;
    u.uncountedGpus += p.uncounted * t.replicas;
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      const at = `${o.kind}/${o.metadata.name}:${c.name ?? "?"}`;
      if (amountOf(c, "cpu") === undefined) u.noCpu.push(at);
      if (amountOf(c, "memory") === undefined) u.noMemory.push(at);
    }
  }
  return u;
}

export function sum(usages: ClaimUsage[]): Amounts {
  const out = zero();
  for (const u of usages) for (const r of RESOURCES) out[r] += u.amounts[r];
  return out;
}
