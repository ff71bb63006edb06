import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getField, setField, splitFieldPath } from "../../src/steps/fieldPath";

describe("kustomize field paths", () => {
  const o = { spec: { containers: [{ name: "a", resources: { limits: { "nvidia.com/gpu": 2 } } }] } };
  it("splits on dots outside brackets", () => {
    assert.deepEqual(splitFieldPath("a.[b.c/d].[name=x].0"), ["a", "[b.c/d]", "[name=x]", "0"]);
  });
  it("reads keys with dots, list selectors and indexes", () => {
    assert.equal(getField(o, "spec.containers.[name=a].resources.limits.[nvidia.com/gpu]"), 2);
    assert.equal(getField(o, "spec.containers.0.name"), "a");
    assert.equal(getField(o, "spec.containers.[name=b].name"), undefined);
  });
  it("sets an existing field", () => {
    const c = structuredClone(o);
    assert.ok(setField(c, "spec.containers.[name=a].resources.limits.[nvidia.com/gpu]", "2"));
    assert.equal(c.spec.containers[0].resources.limits["nvidia.com/gpu"], "2");
    assert.equal(setField(c, "spec.missing.x", 1), false);
  });
});
