import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { childTransform, isKubernetesChild } from "../../src/pulumi/transforms";

const policy = {
  overlay: { storageClass: "fast", labels: { site: "lab" } },
  guard: { claim: "c1", template: "t", workspaceId: "w", namespace: "ws-w" },
};
const t = childTransform(policy);
const args = (type: string, props: Record<string, unknown>, custom = true) => ({ type, name: "n", custom, props, opts: {} });

describe("Pulumi transforms on Chart / Directory children", () => {
  it("apply overlay, labels and namespace to a child's props and retain PVCs", () => {
    const r = t(args("kubernetes:core/v1:PersistentVolumeClaim", { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: {} }));
    assert.ok(r && !(r instanceof Promise));
    const p = r.props as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(p.spec.storageClassName, "fast");
    assert.equal(p.metadata.namespace, "ws-w");
    assert.equal(p.metadata.labels["ocdp.io/claim"], "c1");
    assert.equal(p.metadata.labels.site, "lab");
    assert.equal(r.opts.retainOnDelete, true);
  });
  it("do not retain other kinds", () => {
    const r = t(args("kubernetes:core/v1:ConfigMap", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }));
    assert.ok(r && !(r instanceof Promise));
    assert.equal(r.opts.retainOnDelete, undefined);
  });
  it("refuse a foreign namespace or a cluster-scoped kind (the registration fails)", () => {
    assert.throws(() => t(args("kubernetes:core/v1:Service", { kind: "Service", metadata: { name: "s", namespace: "kube-system" } })), /outside the workspace/);
    assert.throws(() => t(args("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", { kind: "ClusterRole", metadata: { name: "r" } })), /cluster-scoped/);
  });
  it("bound how long Pulumi waits for each child when the stack sets a readiness timeout", () => {
    const timed = childTransform({ ...policy, readiness: "2m" });
    const r = timed(args("kubernetes:apps/v1:Deployment", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: {} }));
    assert.ok(r && !(r instanceof Promise));
    assert.deepEqual(r.opts.customTimeouts, { create: "2m", update: "2m" });
    const untimed = t(args("kubernetes:apps/v1:Deployment", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: {} }));
    assert.ok(untimed && !(untimed instanceof Promise));
    assert.equal(untimed.opts.customTimeouts, undefined, "Pulumi's default without the setting");
  });
  it("give string inputs their type back (Directory children have no post-renderer to do it)", () => {
    const typed = childTransform({ ...policy, inputs: [{ name: "model", type: "string", description: "d", targets: [{ kind: "Deployment", fieldPath: "spec.template.spec.containers.[name=vllm].env.[name=MODEL].value" }] }] });
    const dep = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "c1-vllm" }, spec: { template: { spec: { containers: [{ name: "vllm", env: [{ name: "MODEL", value: 8 }, { name: "PORT", value: 8000 }] }] } } } };
    const r = typed(args("kubernetes:apps/v1:Deployment", dep));
    assert.ok(r && !(r instanceof Promise));
    const env = (r.props as any).spec.template.spec.containers[0].env; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(env, [{ name: "MODEL", value: "8" }, { name: "PORT", value: 8000 }], "only the declared string input");
    assert.equal(dep.spec.template.spec.containers[0].env[0].value, 8, "the engine's props are not mutated");
  });
  it("mark the kinds of ocdp:cluster.skipAwait, and only those, in the same callback", () => {
    const skip = childTransform({ ...policy, skipAwaitKinds: ["Service"] });
    const svc = skip(args("kubernetes:core/v1:Service", { apiVersion: "v1", kind: "Service", metadata: { name: "s", annotations: { a: "b" } }, spec: {} }));
    assert.ok(svc && !(svc instanceof Promise));
    assert.deepEqual((svc.props as any).metadata.annotations, { a: "b", "pulumi.com/skipAwait": "true" }); // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal((svc.props as any).metadata.labels["ocdp.io/claim"], "c1", "after the overlay and guard"); // eslint-disable-line @typescript-eslint/no-explicit-any
    const dep = skip(args("kubernetes:apps/v1:Deployment", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: {} }));
    assert.ok(dep && !(dep instanceof Promise));
    assert.equal((dep.props as any).metadata.annotations?.["pulumi.com/skipAwait"], undefined); // eslint-disable-line @typescript-eslint/no-explicit-any
  });
  it("leave the component itself, providers and odd props alone", () => {
    assert.equal(t(args("kubernetes:helm.sh/v4:Chart", { chart: "x" }, false)), undefined);
    assert.equal(t(args("kubernetes:helm.sh/v4:Chart", { chart: "x" })), undefined);
    assert.equal(t(args("kubernetes:kustomize/v2:Directory", { directory: "d" })), undefined);
    assert.equal(t(args("pulumi:providers:kubernetes", {})), undefined);
    assert.equal(t(args("kubernetes:core/v1:ConfigMap", {})), undefined, "no kind: not an object");
    assert.ok(isKubernetesChild({ custom: true, type: "kubernetes:apps/v1:Deployment" }));
  });
});
