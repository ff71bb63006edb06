// Workloads name what their pods mount (config.kubernetes.io/depends-on), so the provider creates them after it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDependsOn, DEPENDS_ON } from "../../src/steps/dependsOn";
import type { KObject } from "../../src/steps/objects";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const o = (apiVersion: string, kind: string, name: string, extra: Obj = {}): KObject => ({ apiVersion, kind, metadata: { name, ...(extra.metadata ?? {}) }, ...extra, ...(extra.metadata ? { metadata: { name, ...extra.metadata } } : {}) });
const pvc = (name: string, ns?: string) => o("v1", "PersistentVolumeClaim", name, ns ? { metadata: { namespace: ns } } : {});
const cm = (name: string) => o("v1", "ConfigMap", name);
const secret = (name: string) => o("v1", "Secret", name);
const sa = (name: string) => o("v1", "ServiceAccount", name);
const pod = { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }], containers: [{ name: "c" }] };
const deploy = (spec: Obj, metadata: Obj = {}) => o("apps/v1", "Deployment", "app", { metadata, spec: { template: { spec } } });
const ann = (objs: KObject[], name = "app") => objs.find((x) => x.metadata.name === name)?.metadata.annotations?.[DEPENDS_ON];

describe("depends-on from a claim's workloads to what their pods mount", () => {
  const cases: { name: string; objects: KObject[]; want: string | undefined }[] = [
    { name: "a Deployment's PVC volume", objects: [deploy(pod), pvc("data")], want: "/namespaces/ws-a/PersistentVolumeClaim/data" },
    {
      name: "volumes, projected sources, env, envFrom, pull secrets and the service account, sorted",
      objects: [deploy({
        volumes: [{ name: "a", configMap: { name: "conf" } }, { name: "b", secret: { secretName: "tls" } },
          { name: "c", projected: { sources: [{ configMap: { name: "proj" } }, { secret: { name: "proj-s" } }] } }],
        initContainers: [{ name: "i", envFrom: [{ secretRef: { name: "env-s" } }] }],
        containers: [{ name: "c", env: [{ name: "K", valueFrom: { configMapKeyRef: { name: "conf", key: "k" } } }], envFrom: [{ configMapRef: { name: "env-c" } }] }],
        imagePullSecrets: [{ name: "pull" }], serviceAccountName: "runner",
      }), cm("conf"), secret("tls"), cm("proj"), secret("proj-s"), secret("env-s"), cm("env-c"), secret("pull"), sa("runner")],
      want: ["ConfigMap/conf", "ConfigMap/env-c", "ConfigMap/proj", "Secret/env-s", "Secret/proj-s", "Secret/pull", "Secret/tls", "ServiceAccount/runner"].map((r) => `/namespaces/ws-a/${r}`).join(","),
    },
    { name: "nothing outside the claim (cli-utils refuses an external reference)", objects: [deploy({ ...pod, imagePullSecrets: [{ name: "mirror" }] })], want: undefined },
    { name: "not an object of the same name in another namespace", objects: [deploy(pod), pvc("data", "elsewhere")], want: undefined },
    { name: "an object's own namespace is the one named", objects: [deploy(pod, { namespace: "ws-b" }), pvc("data", "ws-b")], want: "/namespaces/ws-b/PersistentVolumeClaim/data" },
    {
      name: "a depends-on the preset wrote is kept, a reference never twice",
      objects: [deploy(pod, { annotations: { [DEPENDS_ON]: "/namespaces/ws-a/PersistentVolumeClaim/data,/namespaces/ws-a/Service/db" } }), pvc("data"), o("v1", "Service", "db")],
      want: "/namespaces/ws-a/PersistentVolumeClaim/data,/namespaces/ws-a/Service/db",
    },
    { name: "a CronJob's job template", objects: [o("batch/v1", "CronJob", "app", { spec: { jobTemplate: { spec: { template: { spec: pod } } } } }), pvc("data")], want: "/namespaces/ws-a/PersistentVolumeClaim/data" },
    { name: "a bare Pod", objects: [o("v1", "Pod", "app", { spec: pod }), pvc("data")], want: "/namespaces/ws-a/PersistentVolumeClaim/data" },
    { name: "a custom resource that happens to be called Deployment is not a workload", objects: [o("example.com/v1", "Deployment", "app", { spec: { template: { spec: pod } } }), pvc("data")], want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(ann(addDependsOn(structuredClone(c.objects), "ws-a")), c.want));
  }

  it("leaves other annotations and objects as they are", () => {
    const objs = addDependsOn([deploy(pod, { annotations: { keep: "me" } }), pvc("data")], "ws-a");
    assert.equal(objs[0].metadata.annotations!.keep, "me");
    assert.equal(objs[1].metadata.annotations, undefined);
  });
});
