import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GuardViolation, guard } from "../../src/steps/guards";

const ctx = { claim: "c1", template: "t", workspaceId: "w", namespace: "ws-w" };

describe("guards", () => {
  it("puts namespaced objects in the workspace namespace with the ocdp labels", () => {
    const o = guard({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }, ctx);
    assert.equal(o.metadata.namespace, "ws-w");
    assert.deepEqual(o.metadata.labels, { "ocdp.io/claim": "c1", "ocdp.io/template": "t", "ocdp.io/workspace": "w" });
  });
  it("accepts an object already in the workspace namespace", () => {
    assert.equal(guard({ kind: "Service", metadata: { name: "s", namespace: "ws-w" } }, ctx).metadata.namespace, "ws-w");
  });
  it("refuses foreign namespaces", () => {
    assert.throws(() => guard({ kind: "Service", metadata: { name: "s", namespace: "kube-system" } }, ctx), (e: Error) =>
      e instanceof GuardViolation && /kube-system.*outside the workspace namespace ws-w/.test(e.message));
  });
  it("refuses cluster-scoped kinds", () => {
    for (const kind of ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass", "ClusterIssuer", "ClusterSecretStore"]) {
      assert.throws(() => guard({ kind, metadata: { name: "x" } }, ctx), /cluster-scoped/, kind);
    }
  });
  it("refuses the site's own cluster-scoped kinds named in the policy", () => {
    const site = { ...ctx, clusterScopedKinds: ["GlobalNetworkPolicy"] };
    assert.throws(() => guard({ kind: "GlobalNetworkPolicy", metadata: { name: "x" } }, site), /cluster-scoped kind GlobalNetworkPolicy/);
    assert.equal(guard({ kind: "GlobalNetworkPolicy", metadata: { name: "x" } }, ctx).metadata.namespace, "ws-w", "unknown to a stack that does not name it");
  });
  it("keeps namespaced kinds whose names merely contain Cluster", () => {
    assert.equal(guard({ kind: "RayCluster", metadata: { name: "r" } }, ctx).metadata.namespace, "ws-w");
  });
  it("refuses things that are not objects", () => {
    assert.throws(() => guard({ kind: "ConfigMap", metadata: {} }, ctx), /not a Kubernetes object/);
  });
});
