import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addImagePullSecrets, addLabels, addNodeSelector, addTolerations, applyOverlay, rewriteImage, setGpuRuntimeClass,
  setIngressClass, setRegistry, setServiceType, setStorageClass,
} from "../../src/steps/overlay";

const deployment = (limits: Record<string, unknown> = {}) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", labels: { app: "x" } },
  spec: { selector: { matchLabels: { app: "x" } }, template: { metadata: { labels: { app: "x" } }, spec: {
    containers: [{ name: "c", image: "vllm/vllm-openai:v1", resources: { limits } }],
    initContainers: [{ name: "i", image: "ghcr.io/org/init:1" }],
  } } },
});
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const service = (type?: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { type, ports: [{ port: 80, nodePort: 30001 }] } });

describe("environment overlay knobs", () => {
  it("serviceType moves exposed Services and leaves internal ones alone", () => {
    assert.equal(setServiceType("LoadBalancer")(service("NodePort")).spec.type, "LoadBalancer");
    assert.equal(setServiceType("NodePort")(service("ClusterIP")).spec.type, "ClusterIP");
    assert.equal(setServiceType("NodePort")(service(undefined)).spec.type, undefined);
    const internal = setServiceType("ClusterIP")(service("NodePort"));
    assert.equal(internal.spec.type, "ClusterIP");
    assert.equal(internal.spec.ports[0].nodePort, undefined, "a ClusterIP Service keeps no nodePort");
  });
  it("storageClass sets PVCs and StatefulSet claim templates", () => {
    const pvc = setStorageClass("fast")({ kind: "PersistentVolumeClaim", metadata: { name: "p" }, spec: { storageClassName: "slow" } });
    assert.equal(pvc.spec.storageClassName, "fast");
    const sts = setStorageClass("fast")({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s" }, spec: { volumeClaimTemplates: [{ spec: {} }] } });
    assert.equal(sts.spec.volumeClaimTemplates[0].spec.storageClassName, "fast");
    assert.deepEqual(setStorageClass("fast")(service()), service(), "other kinds untouched");
  });
  it("ingressClass replaces the legacy annotation", () => {
    const ing = setIngressClass("nginx")({ kind: "Ingress", metadata: { name: "i", annotations: { "kubernetes.io/ingress.class": "old" } }, spec: {} });
    assert.equal(ing.spec.ingressClassName, "nginx");
    assert.equal(ing.metadata.annotations["kubernetes.io/ingress.class"], undefined);
  });
  it("gpuRuntimeClass only for pods that request GPUs", () => {
    assert.equal(setGpuRuntimeClass("nvidia")(deployment({ "nvidia.com/gpu": 1 })).spec.template.spec.runtimeClassName, "nvidia");
    assert.equal(setGpuRuntimeClass("nvidia")(deployment({ "nvidia.com/gpu": 0 })).spec.template.spec.runtimeClassName, undefined);
    assert.equal(setGpuRuntimeClass("nvidia")(deployment()).spec.template.spec.runtimeClassName, undefined);
  });
  it("registry rewrites every image, with or without a registry host", () => {
    assert.equal(rewriteImage("vllm/vllm-openai:v1", "reg.example/mirror"), "reg.example/mirror/vllm/vllm-openai:v1");
    assert.equal(rewriteImage("ghcr.io/org/init:1", "reg.example/mirror/"), "reg.example/mirror/org/init:1");
    assert.equal(rewriteImage("localhost:5000/a:1", "r.io"), "r.io/a:1");
    assert.equal(rewriteImage("busybox", "r.io"), "r.io/busybox");
    const d = setRegistry("r.io")(deployment());
    assert.equal(d.spec.template.spec.containers[0].image, "r.io/vllm/vllm-openai:v1");
    assert.equal(d.spec.template.spec.initContainers[0].image, "r.io/org/init:1");
  });
  it("imagePullSecrets, nodeSelector and tolerations merge without duplicates", () => {
    const once = addImagePullSecrets(["pull"])(deployment());
    assert.deepEqual(addImagePullSecrets(["pull", "other"])(once).spec.template.spec.imagePullSecrets, [{ name: "pull" }, { name: "other" }]);
    assert.deepEqual(addNodeSelector({ gpu: "a100" })(deployment()).spec.template.spec.nodeSelector, { gpu: "a100" });
    const tol = { key: "nvidia.com/gpu", operator: "Exists" as const, effect: "NoSchedule" as const };
    assert.deepEqual(addTolerations([tol])(addTolerations([tol])(deployment())).spec.template.spec.tolerations, [tol]);
  });
  it("site labels reach object and pod template, never the selector", () => {
    const d = addLabels({ site: "lab" })(deployment());
    assert.equal(d.metadata.labels.site, "lab");
    assert.equal(d.spec.template.metadata.labels.site, "lab");
    assert.deepEqual(d.spec.selector.matchLabels, { app: "x" });
  });
  // The kinds that make pods come from one table (steps/pods.ts), the one usage counts GPUs with: a
  // ReplicationController's pods were counted against the budget but missed the overlay before.
  for (const { kind, template } of [
    { kind: "Pod", template: (o: Obj) => o },
    { kind: "ReplicationController", template: (o: Obj) => o.spec.template },
    { kind: "StatefulSet", template: (o: Obj) => o.spec.template },
    { kind: "DaemonSet", template: (o: Obj) => o.spec.template },
    { kind: "Job", template: (o: Obj) => o.spec.template },
    { kind: "CronJob", template: (o: Obj) => o.spec.jobTemplate.spec.template },
  ]) {
    it(`every knob reaches a ${kind}'s pods`, () => {
      const d = deployment({ "nvidia.com/gpu": 1 });
      const o = kind === "Pod" ? { apiVersion: "v1", kind, metadata: { name: "p" }, spec: d.spec.template.spec }
        : kind === "CronJob" ? { apiVersion: "batch/v1", kind, metadata: { name: "c" }, spec: { jobTemplate: { spec: { template: d.spec.template } } } }
          : { ...d, kind, apiVersion: kind === "ReplicationController" ? "v1" : kind === "Job" ? "batch/v1" : "apps/v1" };
      const out = applyOverlay(o, { registry: "r.io", gpuRuntimeClass: "nvidia", labels: { site: "lab" }, imagePullSecrets: ["p"], nodeSelector: { n: "1" } });
      const t = template(out);
      assert.equal(t.spec.containers[0].image, "r.io/vllm/vllm-openai:v1");
      assert.equal(t.spec.runtimeClassName, "nvidia");
      assert.deepEqual(t.spec.imagePullSecrets, [{ name: "p" }]);
      assert.deepEqual(t.spec.nodeSelector, { n: "1" });
      assert.equal(t.metadata.labels.site, "lab");
      assert.equal(out.metadata.labels.site, "lab");
    });
  }
  it("a custom kind with no pods is left alone", () => {
    const cr = { apiVersion: "ocdp.io/v1alpha1", kind: "Workload", metadata: { name: "w" }, spec: { template: { spec: { containers: [{ image: "a" }] } } } };
    // Compared with a copy taken before: an overlay that changed `cr` in place and returned it would still fail.
    const want = structuredClone(cr);
    assert.deepEqual(applyOverlay(cr, { registry: "r.io", nodeSelector: { n: "1" } }), want);
    assert.deepEqual(cr, want);
  });
  it("a custom resource named Deployment in another group is not a workload: left alone", () => {
    const cr = { ...deployment({ "nvidia.com/gpu": 1 }), apiVersion: "example.com/v1" };
    const want = structuredClone(cr);
    assert.deepEqual(applyOverlay(cr, { registry: "r.io", gpuRuntimeClass: "nvidia", imagePullSecrets: ["p"], nodeSelector: { n: "1" } }), want);
  });
  it("knobs are pure: the input object is never changed", () => {
    const d = deployment({ "nvidia.com/gpu": 1 });
    const before = structuredClone(d);
    applyOverlay(d, { registry: "r.io", gpuRuntimeClass: "nvidia", labels: { a: "b" }, imagePullSecrets: ["p"], nodeSelector: { n: "1" } });
    assert.deepEqual(d, before);
  });
});
