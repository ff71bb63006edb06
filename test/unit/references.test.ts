// The missing-reference check: each kind of reference a pod template makes, what counts as present,
// and what is never checked.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { missingReferences } from "../../src/steps/references";
import type { KObject } from "../../src/steps/objects";

const NS = "ws-a";
const obj = (kind: string, name: string, extra: Record<string, unknown> = {}, apiVersion = "v1"): KObject =>
  ({ apiVersion, kind, metadata: { name, namespace: NS, ...extra } }) as KObject;
const deployment = (podSpec: Record<string, unknown>, apiVersion = "apps/v1"): KObject =>
  ({ apiVersion, kind: "Deployment", metadata: { name: "app", namespace: NS }, spec: { template: { spec: { containers: [{ name: "c", image: "x" }], ...podSpec } } } }) as KObject;
const container = (c: Record<string, unknown>) => ({ containers: [{ name: "c", image: "x", ...c }] });

describe("missingReferences", () => {
  // [what, pod spec, the object it names, the sentence's "via"]
  const refs: [string, Record<string, unknown>, KObject, string][] = [
    ["a volume's Secret", { volumes: [{ name: "v", secret: { secretName: "s" } }] }, obj("Secret", "s"), "volume v"],
    ["a volume's ConfigMap", { volumes: [{ name: "v", configMap: { name: "cm" } }] }, obj("ConfigMap", "cm"), "volume v"],
    ["a volume's PersistentVolumeClaim", { volumes: [{ name: "v", persistentVolumeClaim: { claimName: "data" } }] }, obj("PersistentVolumeClaim", "data"), "volume v"],
    ["a projected volume's Secret", { volumes: [{ name: "v", projected: { sources: [{ secret: { name: "s" } }] } }] }, obj("Secret", "s"), "volume v"],
    ["a projected volume's ConfigMap", { volumes: [{ name: "v", projected: { sources: [{ configMap: { name: "cm" } }] } }] }, obj("ConfigMap", "cm"), "volume v"],
    ["envFrom a Secret", container({ envFrom: [{ secretRef: { name: "s" } }] }), obj("Secret", "s"), "container c envFrom"],
    ["envFrom a ConfigMap", container({ envFrom: [{ configMapRef: { name: "cm" } }] }), obj("ConfigMap", "cm"), "container c envFrom"],
    ["an env value from a Secret", container({ env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "password" } } }] }), obj("Secret", "s"), "container c env PASSWORD"],
    ["an env value from a ConfigMap", container({ env: [{ name: "MODE", valueFrom: { configMapKeyRef: { name: "cm", key: "mode" } } }] }), obj("ConfigMap", "cm"), "container c env MODE"],
    ["a ServiceAccount", { serviceAccountName: "sa" }, obj("ServiceAccount", "sa"), "serviceAccountName"],
  ];
  for (const [what, spec, target, via] of refs) {
    it(`${what}: present, nothing to say; absent, named`, () => {
      assert.deepEqual(missingReferences([deployment(spec), target], NS), []);
      const [absent] = missingReferences([deployment(spec)], NS);
      assert.equal(absent, `Deployment app needs ${target.kind} ${target.metadata.name} (${via}), which neither the claim's render nor the cluster provides: its pods would never start`);
    });
  }
  it("optional references, pull secrets and the default ServiceAccount are not checked", () => {
    const spec = {
      volumes: [{ name: "v", secret: { secretName: "s", optional: true } }],
      imagePullSecrets: [{ name: "harbor-pull" }],
      serviceAccountName: "default",
      ...container({ env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cm", key: "k", optional: true } } }] }),
    };
    assert.deepEqual(missingReferences([deployment(spec)], NS), []);
  });
  it("every kind that makes pods is read (a CronJob's pods too), a custom resource named Deployment is not", () => {
    const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "nightly", namespace: NS }, spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: "sa", containers: [] } } } } } } as KObject;
    assert.equal(missingReferences([cron], NS).length, 1);
    assert.deepEqual(missingReferences([deployment({ serviceAccountName: "sa" }, "example.com/v1")], NS), []);
  });
  it("an object in another namespace is not the one the pod reads", () => {
    const elsewhere = { ...obj("Secret", "s"), metadata: { name: "s", namespace: "ws-b" } } as KObject;
    assert.equal(missingReferences([deployment({ volumes: [{ name: "v", secret: { secretName: "s" } }] }), elsewhere], NS).length, 1);
  });
});
