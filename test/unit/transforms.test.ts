import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isKubernetesChild, retainVolumes } from "../../src/pulumi/transforms";

const args = (type: string, props: Record<string, unknown>, custom = true) => ({ type, name: "n", custom, props, opts: { protect: false } });

describe("the Directory transform: volumes outlive their claim", () => {
  it("retains a PVC, its props as the stage built them", () => {
    const props = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: {} };
    const r = retainVolumes(args("kubernetes:core/v1:PersistentVolumeClaim", props));
    assert.ok(r && !(r instanceof Promise));
    assert.equal(r.props, props);
    assert.deepEqual(r.opts, { protect: false, retainOnDelete: true });
  });
  it("leaves every other child, the component itself and providers to the engine (no new props)", () => {
    assert.equal(retainVolumes(args("kubernetes:core/v1:ConfigMap", { kind: "ConfigMap", metadata: { name: "x" } })), undefined);
    assert.equal(retainVolumes(args("kubernetes:apps/v1:Deployment", { kind: "Deployment", metadata: { name: "x" } })), undefined);
    assert.equal(retainVolumes(args("kubernetes:kustomize/v2:Directory", { directory: "d" }, false)), undefined);
    assert.equal(retainVolumes(args("kubernetes:core/v1:PersistentVolumeClaim", {}, false)), undefined, "not a custom resource");
    assert.equal(retainVolumes(args("pulumi:providers:kubernetes", {})), undefined);
    assert.ok(isKubernetesChild({ custom: true, type: "kubernetes:apps/v1:Deployment" }));
    assert.ok(!isKubernetesChild({ custom: true, type: "kubernetes:helm.sh/v4:Chart" }));
  });
});
