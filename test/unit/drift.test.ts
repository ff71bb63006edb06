// Drift read from a refresh preview's steps: which objects, which claim, which fields, how shown.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { driftOf, formatDrift, pathSegments, type PreviewStep, showValue, valueAt } from "../../src/steps/drift";

const P = "urn:pulumi:lab::ocdp::";
const workload = `${P}ocdp:workloads:Workload::cs-a`;
const chart = `${P}ocdp:workloads:Workload$kubernetes:helm.sh/v4:Chart::cs-a`;
const dep = `${P}ocdp:workloads:Workload$kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment::cs-a:ws-a/cs-a`;
const deployment = (replicas: number, env: string) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "cs-a", namespace: "ws-a" },
  spec: { replicas, template: { spec: { containers: [{ name: "c", env: [{ name: "E", value: env }] }] } } },
});

describe("drift from a refresh preview", () => {
  const steps: PreviewStep[] = [
    { op: "same", urn: workload, newState: { type: "ocdp:workloads:Workload" } },
    { op: "same", urn: chart, newState: { type: "kubernetes:helm.sh/v4:Chart", parent: workload } },
    { op: "update", urn: dep, oldState: { type: "kubernetes:apps/v1:Deployment", inputs: deployment(3, "hand"), parent: chart },
      newState: { type: "kubernetes:apps/v1:Deployment", inputs: deployment(1, "stack"), parent: chart },
      detailedDiff: { "spec.template.spec.containers[0].env[0].value": { kind: "update" }, "spec.replicas": { kind: "update" } } },
    { op: "create", urn: `${P}ocdp:workloads:Workload$kubernetes:helm.sh/v4:Chart$kubernetes:core/v1:Service::cs-a:ws-a/cs-a`,
      newState: { type: "kubernetes:core/v1:Service", inputs: { kind: "Service", metadata: { name: "cs-a", namespace: "ws-a" } }, parent: chart } },
    { op: "update", urn: `${P}ocdp:workloads:Workload$kubernetes:helm.sh/v4:Chart$kubernetes:core/v1:Secret::cs-a:ws-a/cs-a`,
      oldState: { type: "kubernetes:core/v1:Secret", inputs: { kind: "Secret", metadata: { name: "cs-a", namespace: "ws-a" }, data: { password: "aGFuZA==" } }, parent: chart },
      newState: { type: "kubernetes:core/v1:Secret", inputs: { kind: "Secret", metadata: { name: "cs-a", namespace: "ws-a" }, data: { password: "[secret]" } }, parent: chart },
      detailedDiff: { "data.password": { kind: "update" } } },
    { op: "update", urn: chart, newState: { type: "kubernetes:helm.sh/v4:Chart", parent: workload }, detailedDiff: { chart: {} } },
    { op: "update", urn: `${P}kubernetes:core/v1:ResourceQuota::ws-a-budget`,
      oldState: { type: "kubernetes:core/v1:ResourceQuota", inputs: { kind: "ResourceQuota", metadata: { name: "budget", namespace: "ws-a" }, spec: { hard: { "requests.nvidia.com/gpu": "8" } } } },
      newState: { type: "kubernetes:core/v1:ResourceQuota", inputs: { kind: "ResourceQuota", metadata: { name: "budget", namespace: "ws-a" }, spec: { hard: { "requests.nvidia.com/gpu": "4" } } } },
      detailedDiff: { 'spec.hard["requests.nvidia.com/gpu"]': { kind: "update" } } },
  ];

  it("names each changed, deleted or quota object, with its claim (through the parents) and fields; components and same steps are not drift", () => {
    const d = driftOf(steps);
    assert.deepEqual(d.map((x) => `${x.claim ?? "-"} ${x.kind} ${x.name} ${x.change} ${x.fields.map((f) => f.path).join(",")}`), [
      "cs-a Deployment ws-a/cs-a changed spec.replicas,spec.template.spec.containers[0].env[0].value",
      "cs-a Service ws-a/cs-a missing ",
      "cs-a Secret ws-a/cs-a changed data.password",
      '- ResourceQuota ws-a/budget changed spec.hard["requests.nvidia.com/gpu"]',
    ]);
    assert.deepEqual(d[0].fields[0], { path: "spec.replicas", live: 3, stack: 1 });
  });

  it("prints live -> stack, a Secret's data masked, and says how to restore", () => {
    const text = formatDrift("lab", driftOf(steps));
    assert.equal(text, [
      "stack lab: 4 object(s) differ from the stack (live -> stack); `pulumi up --refresh` (`ocdp up --refresh`) restores them",
      '  claim cs-a: Deployment ws-a/cs-a: spec.replicas 3 -> 1, spec.template.spec.containers[0].env[0].value "hand" -> "stack"',
      "  claim cs-a: Service ws-a/cs-a: missing from the cluster (deleted)",
      "  claim cs-a: Secret ws-a/cs-a: data.password ******** -> ********",
      '  stack: ResourceQuota ws-a/budget: spec.hard["requests.nvidia.com/gpu"] "8" -> "4"',
      "",
    ].join("\n"));
    assert.ok(!text.includes("aGFuZA=="), "no secret value");
    assert.equal(formatDrift("lab", []), "stack lab: no drift: the cluster matches the stack\n");
  });

  it("cuts long values and marks absent ones", () => {
    assert.equal(showValue("x".repeat(100), "ConfigMap", "data.k").length, 60);
    assert.equal(showValue(undefined, "ConfigMap", "data.k"), "(absent)");
    assert.equal(showValue({ a: "[secret]" }, "ConfigMap", "data"), "********");
  });

  it("reads the engine's paths", () => {
    assert.deepEqual(pathSegments('metadata.labels["ocdp.io/claim"]'), ["metadata", "labels", "ocdp.io/claim"]);
    assert.deepEqual(pathSegments("spec.containers[0].env[12].value"), ["spec", "containers", 0, "env", 12, "value"]);
    assert.equal(valueAt({ a: [{ b: 2 }] }, "a[0].b"), 2);
    assert.equal(valueAt({ a: 1 }, "a.b.c"), undefined);
  });
});
