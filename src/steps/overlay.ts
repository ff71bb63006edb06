// The environment overlay: one pure transform per knob, each taking one object and returning a new one.
// They run in the finishing step (./finish.ts), the one function behind `ocdp render`, the Helm
// post-renderer and a Directory stage's transformers, so both executors produce the same objects.
import type { Overlay, Toleration } from "../config/types";
import { podTemplateOf } from "./pods";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type ObjectTransform = (o: Obj) => Obj;

/** The pod spec of a kind that makes pods (./pods.ts: the one table of where each kind keeps it). */
function podSpecOf(o: Obj): Obj | undefined {
  const spec = podTemplateOf(o)?.spec;
  return spec && typeof spec === "object" ? spec : undefined;
}

/** Copies `o`, then lets `edit` change the copy's pod spec (when it has one). */
function onPodSpec(o: Obj, edit: (spec: Obj) => void): Obj {
  if (!podSpecOf(o)) return o;
  const copy = structuredClone(o);
  edit(podSpecOf(copy)!);
  return copy;
}

function containersOf(spec: Obj): Obj[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

export function setServiceType(type: NonNullable<Overlay["serviceType"]>): ObjectTransform {
  return (o) => {
    // Internal Services (ClusterIP, headless, ExternalName) stay internal: the knob moves exposed ones only.
    if (o?.kind !== "Service" || !["NodePort", "LoadBalancer"].includes(o.spec?.type)) return o;
    const copy = structuredClone(o);
    copy.spec.type = type;
    if (type === "ClusterIP") for (const p of copy.spec.ports ?? []) delete p.nodePort;
    return copy;
  };
}

export function setStorageClass(name: string): ObjectTransform {
  return (o) => {
    if (o?.kind === "PersistentVolumeClaim") {
      const copy = structuredClone(o);
      copy.spec = { ...(copy.spec ?? {}), storageClassName: name };
      return copy;
    }
    if (o?.kind === "StatefulSet" && String(o.apiVersion).startsWith("apps/") && o.spec?.volumeClaimTemplates) {
      const copy = structuredClone(o);
      for (const t of copy.spec.volumeClaimTemplates) t.spec = { ...(t.spec ?? {}), storageClassName: name };
      return copy;
    }
    return o;
  };
}

export function setIngressClass(name: string): ObjectTransform {
  return (o) => {
    if (o?.kind !== "Ingress") return o;
    const copy = structuredClone(o);
    copy.spec = { ...(copy.spec ?? {}), ingressClassName: name };
    if (copy.metadata?.annotations) delete copy.metadata.annotations["kubernetes.io/ingress.class"];
    return copy;
  };
}

function requestsGpu(spec: Obj): boolean {
  return containersOf(spec).some((c) => {
    const n = Number(c.resources?.limits?.["nvidia.com/gpu"] ?? c.resources?.requests?.["nvidia.com/gpu"] ?? 0);
    return n > 0;
  });
}

export function setGpuRuntimeClass(name: string): ObjectTransform {
  return (o) => {
    const spec = podSpecOf(o);
    if (!spec || !requestsGpu(spec)) return o;
    return onPodSpec(o, (s) => { s.runtimeClassName = name; });
  };
}

/** `docker.io/vllm/vllm-openai:v1` with registry `reg.local/mirror` -> `reg.local/mirror/vllm/vllm-openai:v1`. */
export function rewriteImage(image: string, registry: string): string {
  const [first, ...rest] = image.split("/");
  const hasRegistry = rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  const path = hasRegistry ? rest.join("/") : image;
  return `${registry.replace(/\/+$/, "")}/${path}`;
}

export function setRegistry(registry: string): ObjectTransform {
  return (o) => onPodSpec(o, (s) => {
    for (const c of containersOf(s)) if (typeof c.image === "string") c.image = rewriteImage(c.image, registry);
  });
}

export function addImagePullSecrets(names: string[]): ObjectTransform {
  return (o) => onPodSpec(o, (s) => {
    const have = new Set((s.imagePullSecrets ?? []).map((x: Obj) => x.name));
    s.imagePullSecrets = [...(s.imagePullSecrets ?? []), ...names.filter((n) => !have.has(n)).map((name) => ({ name }))];
  });
}

export function addNodeSelector(sel: Record<string, string>): ObjectTransform {
  return (o) => onPodSpec(o, (s) => { s.nodeSelector = { ...(s.nodeSelector ?? {}), ...sel }; });
}

export function addTolerations(tols: Toleration[]): ObjectTransform {
  return (o) => onPodSpec(o, (s) => {
    const key = (t: Obj) => JSON.stringify([t.key, t.operator, t.value, t.effect]);
    const have = new Set((s.tolerations ?? []).map(key));
    s.tolerations = [...(s.tolerations ?? []), ...tols.filter((t) => !have.has(key(t)))];
  });
}

/** Labels on the object and on its pod template; selectors are never touched (they are immutable). */
export function addLabels(labels: Record<string, string>): ObjectTransform {
  return (o) => {
    if (!o?.metadata) return o;
    const copy = structuredClone(o);
    copy.metadata.labels = { ...(copy.metadata.labels ?? {}), ...labels };
    const tmpl = podTemplateOf(copy);
    if (tmpl && tmpl !== copy) tmpl.metadata = { ...(tmpl.metadata ?? {}), labels: { ...(tmpl.metadata?.labels ?? {}), ...labels } };
    return copy;
  };
}

/** The knobs set in `overlay`, in a fixed order. */
export function overlayTransforms(overlay: Overlay): ObjectTransform[] {
  const t: ObjectTransform[] = [];
  if (overlay.serviceType) t.push(setServiceType(overlay.serviceType));
  if (overlay.storageClass) t.push(setStorageClass(overlay.storageClass));
  if (overlay.ingressClass) t.push(setIngressClass(overlay.ingressClass));
  if (overlay.gpuRuntimeClass) t.push(setGpuRuntimeClass(overlay.gpuRuntimeClass));
  if (overlay.registry) t.push(setRegistry(overlay.registry));
  if (overlay.imagePullSecrets?.length) t.push(addImagePullSecrets(overlay.imagePullSecrets));
  if (overlay.nodeSelector && Object.keys(overlay.nodeSelector).length) t.push(addNodeSelector(overlay.nodeSelector));
  if (overlay.tolerations?.length) t.push(addTolerations(overlay.tolerations));
  if (overlay.labels && Object.keys(overlay.labels).length) t.push(addLabels(overlay.labels));
  return t;
}

export function applyOverlay(o: Obj, overlay: Overlay): Obj {
  return overlayTransforms(overlay).reduce((acc, f) => f(acc), o);
}
