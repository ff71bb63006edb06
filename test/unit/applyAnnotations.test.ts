// What Pulumi is told per object, written on the object: waits, timeouts, volume retention.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyOptionsFor, durationSeconds } from "../../src/catalog/resolve";
import { applyAnnotations } from "../../src/steps/applyAnnotations";
import type { KObject } from "../../src/steps/objects";

const obj = (kind: string, apiVersion = "v1", annotations?: Record<string, string>): KObject =>
  ({ apiVersion, kind, metadata: { name: "x", ...(annotations ? { annotations } : {}) } });

describe("apply annotations", () => {
  const cases: { name: string; o: KObject; opts: Parameters<typeof applyAnnotations>[1]; want: Record<string, string> | undefined }[] = [
    { name: "every object: the stack's fields win over edits by hand (drift is restored by up)", o: obj("Service"), opts: {}, want: { "pulumi.com/patchForce": "true" } },
    { name: "a skipAwait kind", o: obj("Service"), opts: { skipAwaitKinds: ["Service"] }, want: { "pulumi.com/skipAwait": "true", "pulumi.com/patchForce": "true" } },
    { name: "not another kind", o: obj("ConfigMap"), opts: { skipAwaitKinds: ["Service"] }, want: { "pulumi.com/patchForce": "true" } },
    { name: "a readiness timeout on every object", o: obj("Deployment", "apps/v1"), opts: { timeoutSeconds: 180 }, want: { "pulumi.com/timeoutSeconds": "180", "pulumi.com/patchForce": "true" } },
    { name: "a volume is kept (Chart v4: retainOnDelete) and taken back whoever applied it before", o: obj("PersistentVolumeClaim"), opts: {},
      want: { "helm.sh/resource-policy": "keep", "pulumi.com/patchForce": "true" } },
    { name: "a custom kind named like a PVC is not kept", o: obj("PersistentVolumeClaim", "example.com/v1"), opts: {}, want: { "pulumi.com/patchForce": "true" } },
    { name: "the preset's annotations stay, the stack's settings win", o: obj("PersistentVolumeClaim", "v1", { a: "b", "helm.sh/resource-policy": "delete" }), opts: {},
      want: { a: "b", "helm.sh/resource-policy": "keep", "pulumi.com/patchForce": "true" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.o);
      assert.deepEqual(applyAnnotations(c.o, c.opts).metadata.annotations, c.want);
      assert.deepEqual(c.o, before, "the input is not changed");
    });
  }

  it("come from the cluster's settings", () => {
    assert.deepEqual(applyOptionsFor({}), {});
    assert.deepEqual(applyOptionsFor({ skipAwait: ["Service"], timeouts: { readiness: "3m" } }), { skipAwaitKinds: ["Service"], timeoutSeconds: 180 });
    assert.deepEqual([durationSeconds("45s"), durationSeconds("2h")], [45, 7200]);
    assert.throws(() => durationSeconds("0m"), /not a duration: "0m"/);
  });
});
