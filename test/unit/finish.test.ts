// The one per-object finishing step both executors run.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { finishObject, finishObjects } from "../../src/steps/finish";

const ctx = {
  overlay: { labels: { site: "lab" } },
  guard: { claim: "c1", template: "t", workspaceId: "w", namespace: "ws-w" },
  inputs: [{ name: "model", type: "string" as const, description: "d", targets: [{ kind: "Deployment", fieldPath: "spec.template.spec.containers.[name=vllm].env.[name=MODEL].value" }] }],
};
const dep = () => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "c1-vllm" }, spec: { template: { spec: { containers: [{ name: "vllm", env: [{ name: "MODEL", value: 8 }] }] } } } });

describe("finishing an object (string inputs -> overlay -> guard)", () => {
  it("types string inputs back, applies the overlay and the ocdp labels, puts it in the workspace namespace", () => {
    const input = dep();
    const o = finishObject(input, ctx) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(o.spec.template.spec.containers[0].env, [{ name: "MODEL", value: "8" }]);
    assert.equal(o.metadata.labels.site, "lab");
    assert.equal(o.metadata.labels["ocdp.io/claim"], "c1");
    assert.equal(o.metadata.namespace, "ws-w");
    assert.equal(input.spec.template.spec.containers[0].env[0].value, 8, "its input is not changed");
  });

  it("is idempotent: a finished object finishes to itself (the post-renderer typed it already)", () => {
    const once = finishObject(dep(), ctx);
    assert.deepEqual(finishObject(once, ctx), once);
  });

  it("collects every guard violation of a claim instead of stopping at the first", () => {
    const r = finishObjects([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "kube-system" } },
      dep(),
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "r" } },
    ], ctx);
    assert.equal(r.objects.length, 1);
    assert.equal(r.violations.length, 2);
    assert.match(r.violations[0], /ConfigMap\/a.*namespace "kube-system" is outside the workspace namespace ws-w/);
    assert.match(r.violations[1], /cluster-scoped kind ClusterRole is not allowed in a claim/);
  });
});
