// The e2e's "that claim's change only" check reads the engine's steps; it must see another claim's update.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changedSteps } from "../previewSteps";

const urn = (type: string, name: string) => `urn:pulumi:e2e::ocdp::ocdp:workloads:Workload$kubernetes:helm.sh/v4:Chart$${type}::${name}`;
const steps = [
  { op: "same", urn: "urn:pulumi:e2e::ocdp::pulumi:pulumi:Stack::ocdp-e2e" },
  { op: "same", urn: "urn:pulumi:e2e::ocdp::ocdp:workloads:Workload::cs-alice" },
  { op: "update", urn: urn("kubernetes:apps/v1:Deployment", "cs-alice:ws-team-a/cs-alice") },
  { op: "update", urn: "urn:pulumi:e2e::ocdp::ocdp:workloads:Workload$kubernetes:ocdp.io/v1alpha1:WorkloadClaim::cs-alice-claim" },
  { op: "same", urn: urn("kubernetes:apps/v1:Deployment", "vllm-qwen:ws-team-a/vllm-qwen-vllm-server") },
];

describe("changedSteps (the e2e's one-claim check)", () => {
  it("a change of cs-alice only: every changed step is inside", () => {
    const { inside, outside } = changedSteps(steps, "cs-alice");
    assert.equal(inside.length, 2);
    assert.deepEqual(outside, []);
  });
  it("fails on the broken variant: an update to vllm-qwen is outside", () => {
    const broken = [...steps, { op: "update", urn: urn("kubernetes:apps/v1:Deployment", "vllm-qwen:ws-team-a/vllm-qwen-vllm-server") }];
    assert.deepEqual(changedSteps(broken, "cs-alice").outside.map((s) => s.op), ["update"]);
  });
  it("a quota change (no claim's name) is outside", () => {
    const quota = [...steps, { op: "update", urn: "urn:pulumi:e2e::ocdp::kubernetes:core/v1:ResourceQuota::ws-team-a-budget" }];
    assert.equal(changedSteps(quota, "cs-alice").outside.length, 1);
  });
  it("a claim whose name another's begins with is not taken for it (cs-alice-2 is not cs-alice)", () => {
    const other = [...steps, { op: "update", urn: urn("kubernetes:apps/v1:Deployment", "cs-alice-2:ws-team-a/cs-alice-2") }];
    assert.equal(changedSteps(other, "cs-alice").outside.length, 1);
  });
  it("no steps (JSON not read) is an error, never 'nothing outside'", () => {
    assert.throws(() => changedSteps(undefined, "cs-alice"), /listed no steps/);
  });
});
