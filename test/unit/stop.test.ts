// A stopped claim's objects, kind by kind (API group included), with the exact words of a refusal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GuardViolation } from "../../src/steps/guards";
import type { KObject } from "../../src/steps/objects";
import { podTemplate } from "../../src/steps/pods";
import { stopObject } from "../../src/steps/stop";

const obj = (apiVersion: string, kind: string, spec: Record<string, unknown> = {}): KObject => ({ apiVersion, kind, metadata: { name: "x" }, spec }) as KObject;
const template = { template: { spec: { containers: [{ name: "c", image: "i" }] } } };

describe("stopObject", () => {
  // [what, object, the spec it gets (undefined: the object itself, unchanged)]
  const stopped: [string, KObject, Record<string, unknown> | undefined][] = [
    ["a Deployment", obj("apps/v1", "Deployment", { replicas: 3, ...template }), { replicas: 0, ...template }],
    ["a Deployment without replicas (1 by default)", obj("apps/v1", "Deployment", template), { replicas: 0, ...template }],
    ["a StatefulSet", obj("apps/v1", "StatefulSet", { replicas: 2, ...template }), { replicas: 0, ...template }],
    ["a ReplicaSet", obj("apps/v1", "ReplicaSet", { replicas: 2, ...template }), { replicas: 0, ...template }],
    ["a ReplicationController", obj("v1", "ReplicationController", { replicas: 2, ...template }), { replicas: 0, ...template }],
    ["a CronJob", obj("batch/v1", "CronJob", { schedule: "0 * * * *" }), { schedule: "0 * * * *", suspend: true }],
    ["a PersistentVolumeClaim", obj("v1", "PersistentVolumeClaim", { resources: { requests: { storage: "1Gi" } } }), undefined],
    ["a NodePort Service", obj("v1", "Service", { type: "NodePort" }), undefined],
    ["a custom resource named Deployment", obj("example.com/v1", "Deployment", { replicas: 3 }), undefined],
  ];
  for (const [what, o, spec] of stopped) {
    it(what, () => {
      const got = stopObject(o);
      if (spec === undefined) assert.equal(got, o);
      else assert.deepEqual(got.spec, spec);
      if (spec !== undefined) assert.notEqual(got, o, "a copy: the input is not changed");
    });
  }
  it("a stopped workload makes no pods: usage counts 0 (a suspended CronJob too)", () => {
    assert.equal(podTemplate(stopObject(obj("apps/v1", "Deployment", { replicas: 3, ...template })))?.replicas, 0);
    assert.equal(podTemplate(stopObject(obj("batch/v1", "CronJob", { jobTemplate: { spec: template } })))?.replicas, 0);
  });
  const refused: [string, KObject, string][] = [
    ["a DaemonSet", obj("apps/v1", "DaemonSet", template), "DaemonSet x: a DaemonSet cannot be stopped (it runs a pod on every node); only a claim without one can be stopped"],
    ["a bare Pod", obj("v1", "Pod", {}), "Pod x: a Pod cannot be stopped (a bare Pod has no replicas); only a claim without one can be stopped"],
    ["a Job", obj("batch/v1", "Job", template), "Job x: a Job cannot be stopped (it runs to completion); only a claim without one can be stopped"],
  ];
  for (const [what, o, message] of refused) {
    it(`refused: ${what}`, () => assert.throws(() => stopObject(o), (e: unknown) => e instanceof GuardViolation && e.message === message));
  }
});
