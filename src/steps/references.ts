// What a claim's pods need that nothing will create. The local cluster (kwok) starts a pod whatever it
// references, so a Secret that is never applied looks healthy there and fails on every real cluster
// (`CreateContainerConfigError: secret "x" not found`). A pod template that reads a Secret, ConfigMap,
// PersistentVolumeClaim or ServiceAccount is refused when that object is neither applied with the
// claim nor the cluster's own (a Helm hook the policy keeps is applied with the claim: ./hooks.ts).
// Pull secrets are the stack's (ocdp:registryCredentials) or the site's, and a missing one does not stop
// a pod: they are not checked. Optional references (`optional: true`) are not either. The walk of a
// pod spec's references is the one depends-on (./dependsOn.ts) orders a claim's objects by.
import { groupOf, type KObject } from "./objects";
import { podTemplate } from "./pods";

type Obj = Record<string, unknown>;
export interface PodReference {
  kind: "Secret" | "ConfigMap" | "PersistentVolumeClaim" | "ServiceAccount";
  name: string;
  /** Where the pod spec names it: `volume data`, `container c env PASSWORD`, `imagePullSecrets`, ... */
  via: string;
  optional: boolean;
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === "object") : []);
const at = (o: unknown, k: string): Obj | undefined => {
  const v = o && typeof o === "object" ? (o as Obj)[k] : undefined;
  return v && typeof v === "object" ? (v as Obj) : undefined;
};

/** Every object a pod spec names: volumes (also projected), env, envFrom, pull secrets, service account. */
export function podSpecReferences(spec: Obj): PodReference[] {
  const out: PodReference[] = [];
  const add = (kind: PodReference["kind"], ref: Obj | undefined, key: string, via: string) => {
    const name = ref?.[key];
    if (typeof name === "string" && name) out.push({ kind, name, via, optional: ref?.optional === true });
  };
  for (const v of list(spec.volumes)) {
    add("PersistentVolumeClaim", at(v, "persistentVolumeClaim"), "claimName", `volume ${v.name}`);
    add("ConfigMap", at(v, "configMap"), "name", `volume ${v.name}`);
    add("Secret", at(v, "secret"), "secretName", `volume ${v.name}`);
    for (const s of list(at(v, "projected")?.sources)) {
      add("ConfigMap", at(s, "configMap"), "name", `volume ${v.name}`);
      add("Secret", at(s, "secret"), "name", `volume ${v.name}`);
    }
  }
  for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
    for (const e of list(c.envFrom)) {
      add("ConfigMap", at(e, "configMapRef"), "name", `container ${c.name} envFrom`);
      add("Secret", at(e, "secretRef"), "name", `container ${c.name} envFrom`);
    }
    for (const e of list(c.env)) {
      add("ConfigMap", at(at(e, "valueFrom"), "configMapKeyRef"), "name", `container ${c.name} env ${e.name}`);
      add("Secret", at(at(e, "valueFrom"), "secretKeyRef"), "name", `container ${c.name} env ${e.name}`);
    }
  }
  for (const s of list(spec.imagePullSecrets)) add("Secret", s, "name", "imagePullSecrets");
  add("ServiceAccount", { name: spec.serviceAccountName ?? spec.serviceAccount }, "name", "serviceAccountName");
  return out;
}

/**
 * The objects a pod cannot start without: optional ones aside, pull secrets aside (a missing one does
 * not stop a pod), and the `default` ServiceAccount every namespace has.
 */
export function requiredReferences(spec: Obj): PodReference[] {
  return podSpecReferences(spec).filter((r) => !r.optional && r.via !== "imagePullSecrets" && !(r.kind === "ServiceAccount" && r.name === "default"));
}

/**
 * Each pod template reference of a claim's objects that nothing applies, as a sentence naming the
 * workload, the object and where it is named. `namespace`: the claim's.
 */
export function missingReferences(objects: KObject[], namespace: string): string[] {
  const key = (kind: string, ns: string | undefined, name: unknown) => `${kind}/${ns ?? namespace}/${name}`;
  const core = objects.filter((o) => groupOf(o.apiVersion) === "");
  const applied = new Set(core.map((o) => key(o.kind, o.metadata?.namespace, o.metadata?.name)));
  const out: string[] = [];
  for (const o of objects) {
    const spec = podTemplate(o)?.spec;
    if (!spec) continue;
    for (const r of requiredReferences(spec)) {
      const k = key(r.kind, o.metadata?.namespace, r.name);
      if (applied.has(k)) continue;
      out.push(`${o.kind} ${o.metadata?.name} needs ${r.kind} ${r.name} (${r.via}), which neither the claim's render nor the cluster provides: its pods would never start`);
    }
  }
  return out;
}
