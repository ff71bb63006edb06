// The finishing carried as data into a Directory stage: RFC 6902 operations from what kustomize built to
// the finished object.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { finishTransformers, jsonDiff } from "../../src/steps/finishPatches";
import type { KObject } from "../../src/steps/objects";

describe("jsonDiff", () => {
  const cases: { name: string; a: unknown; b: unknown; want: unknown[] }[] = [
    { name: "equal: nothing", a: { x: [1, { y: "z" }] }, b: { x: [1, { y: "z" }] }, want: [] },
    { name: "a new member is added whole", a: { metadata: { name: "n" } }, b: { metadata: { name: "n", annotations: { a: "1" } } },
      want: [{ op: "add", path: "/metadata/annotations", value: { a: "1" } }] },
    { name: "a member that went is removed", a: { spec: { ports: [{ port: 80, nodePort: 30080 }] } }, b: { spec: { ports: [{ port: 80 }] } },
      want: [{ op: "remove", path: "/spec/ports/0/nodePort" }] },
    { name: "a number that became a string is replaced, typed", a: { env: [{ name: "M", value: 8 }] }, b: { env: [{ name: "M", value: "8" }] },
      want: [{ op: "replace", path: "/env/0/value", value: "8" }] },
    { name: "a list that grew is replaced whole", a: { l: [1] }, b: { l: [1, 2] }, want: [{ op: "replace", path: "/l", value: [1, 2] }] },
    { name: "keys with / and ~ are escaped", a: { annotations: {} }, b: { annotations: { "pulumi.com/skipAwait": "true", "a~b": "c" } },
      want: [{ op: "add", path: "/annotations/pulumi.com~1skipAwait", value: "true" }, { op: "add", path: "/annotations/a~0b", value: "c" }] },
    { name: "an object that became a scalar is replaced", a: { x: { y: 1 } }, b: { x: null }, want: [{ op: "replace", path: "/x", value: null }] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(jsonDiff(c.a, c.b), c.want));
});

describe("finishTransformers", () => {
  const o = (name: string, extra: Record<string, unknown> = {}): KObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, ...extra });
  it("one builtin PatchTransformer per changed object, aimed at its kind and literal name", () => {
    const t = finishTransformers([o("a.b"), o("same")], [o("a.b", { spec: { replicas: 1 } }), o("same")]).map((s) => JSON.parse(s));
    assert.equal(t.length, 1);
    assert.deepEqual({ ...t[0], patch: JSON.parse(t[0].patch) }, {
      apiVersion: "builtin", kind: "PatchTransformer", metadata: { name: "ocdp-finish-0" },
      target: { group: "apps", version: "v1", kind: "Deployment", name: "a\\.b" },
      patch: [{ op: "add", path: "/spec", value: { replicas: 1 } }],
    });
  });
  it("refuses lists that do not pair up", () => {
    assert.throws(() => finishTransformers([o("a")], []), /finishing changed the number of objects \(1 -> 0\)/);
  });
});
