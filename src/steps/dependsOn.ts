// A claim's workloads wait for what their pods mount. Chart v4 and Directory v2 register a claim's
// children in no fixed order (the provider sorts them with cli-utils, whose sort ranges over a Go map),
// and the engine runs a bounded number of steps at once: in a large stack, Deployments waiting to be
// ready held every slot while the PVCs they mount were still queued, until they timed out. The
// provider turns `config.kubernetes.io/depends-on` into Pulumi dependencies between siblings, so a
// workload is created only once its own volumes, config, secrets and service account exist. It is a
// per-claim step in the post-render output (both executors print the same annotation), and cli-utils
// refuses a reference outside the Chart: only objects of the same claim are named.
import type { KObject } from "./objects";
import { podTemplate } from "./pods";

export const DEPENDS_ON = "config.kubernetes.io/depends-on";

/** Groups whose kinds make pods (steps/pods): a custom resource called Deployment is not a workload. */
const WORKLOAD_GROUPS = new Set(["", "apps", "batch"]);

type Obj = Record<string, unknown>;
type Ref = { kind: "PersistentVolumeClaim" | "ConfigMap" | "Secret" | "ServiceAccount"; name: unknown };

export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === "object") : []);
const at = (o: unknown, k: string): Obj | undefined => {
  const v = o && typeof o === "object" ? (o as Obj)[k] : undefined;
  return v && typeof v === "object" ? (v as Obj) : undefined;
};

/** The objects a pod spec names: volumes (also projected), env, envFrom, pull secrets, service account. */
export function podSpecRefs(spec: Obj): Ref[] {
  const refs: Ref[] = [];
  for (const v of asList(spec.volumes)) {
    refs.push({ kind: "PersistentVolumeClaim", name: at(v, "persistentVolumeClaim")?.claimName });
    refs.push({ kind: "ConfigMap", name: at(v, "configMap")?.name });
    refs.push({ kind: "Secret", name: at(v, "secret")?.secretName });
    for (const s of asList(at(v, "projected")?.sources)) {
      refs.push({ kind: "ConfigMap", name: at(s, "configMap")?.name });
      refs.push({ kind: "Secret", name: at(s, "secret")?.name });
    }
  }
  for (const c of [...asList(spec.initContainers), ...asList(spec.containers)]) {
    for (const e of asList(c.envFrom)) {
      refs.push({ kind: "ConfigMap", name: at(e, "configMapRef")?.name });
      refs.push({ kind: "Secret", name: at(e, "secretRef")?.name });
    }
    for (const e of asList(c.env)) {
      refs.push({ kind: "ConfigMap", name: at(at(e, "valueFrom"), "configMapKeyRef")?.name });
      refs.push({ kind: "Secret", name: at(at(e, "valueFrom"), "secretKeyRef")?.name });
    }
  }
  for (const s of asList(spec.imagePullSecrets)) refs.push({ kind: "Secret", name: s.name });
  refs.push({ kind: "ServiceAccount", name: spec.serviceAccountName ?? spec.serviceAccount });
  return refs.filter((r) => typeof r.name === "string" && r.name !== "");
}

/**
 * Adds to each workload the claim's own objects its pods name (in place; returns `objects`). `namespace`
 * is the claim's, which the provider gives every namespaced object that has none: the annotation must
 * name it as the provider will see it. A depends-on the preset wrote is kept, ours appended after it.
 */
export function addDependsOn(objects: KObject[], namespace: string): KObject[] {
  const nsOf = (o: KObject) => o.metadata?.namespace ?? namespace;
  const present = new Set(objects.filter((o) => groupOf(o.apiVersion) === "").map((o) => `${o.kind}/${nsOf(o)}/${o.metadata?.name}`));
  for (const o of objects) {
    const spec = WORKLOAD_GROUPS.has(groupOf(o.apiVersion)) ? podTemplate(o)?.spec : undefined;
    if (!spec) continue;
    const ns = nsOf(o);
    const ours = podSpecRefs(spec)
      .filter((r) => present.has(`${r.kind}/${ns}/${r.name}`))
      .map((r) => `/namespaces/${ns}/${r.kind}/${r.name}`);
    if (ours.length === 0) continue;
    const annotations = o.metadata.annotations ?? {};
    const existing = (annotations[DEPENDS_ON] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    // cli-utils refuses a reference twice in one annotation.
    const all = [...new Set([...existing, ...[...new Set(ours)].sort()])];
    o.metadata.annotations = { ...annotations, [DEPENDS_ON]: all.join(",") };
  }
  return objects;
}
