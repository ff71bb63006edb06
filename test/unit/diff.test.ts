import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffObjects, diffStack } from "../../src/diff/compare";
import { formatMarkdown, formatText, GITHUB_COMMENT_LIMIT } from "../../src/diff/format";
import type { KObject } from "../../src/render/objects";

const secret = (v: string): KObject => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "n" }, data: { token: v } });
const cm = (name: string, v: string): KObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "n" }, data: { v } });

describe("diff of objects", () => {
  it("never prints Secret values, only that they changed", () => {
    const [c] = diffObjects([secret("czNjcjN0")], [secret("bjN3")]);
    assert.deepEqual(c.fields, [{ path: "data.token", old: "(secret value)", new: "(secret value)" }]);
    assert.doesNotMatch(formatText("s", diffStack(new Map([["a", { objects: [secret("czNjcjN0")] }]]), new Map([["a", { objects: [secret("bjN3")] }]]))), /czNjcjN0|bjN3/);
  });
  it("flags removed PVCs and Namespaces as data-bearing", () => {
    const pvc: KObject = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "p", namespace: "n" } };
    assert.equal(diffObjects([pvc, cm("c", "1")], [])[1].dataBearing, true);
    assert.equal(diffObjects([pvc, cm("c", "1")], [])[0].dataBearing, undefined);
  });
  it("keeps a PR comment under GitHub's limit by truncating details, never the summary", () => {
    const base = new Map<string, { objects: KObject[] }>();
    const head = new Map<string, { objects: KObject[] }>();
    for (let i = 0; i < 400; i++) {
      base.set(`claim-${i}`, { objects: Array.from({ length: 20 }, (_, j) => cm(`c${j}`, "x".repeat(50))) });
      head.set(`claim-${i}`, { objects: Array.from({ length: 20 }, (_, j) => cm(`c${j}`, "y".repeat(50))) });
    }
    const md = formatMarkdown("big", diffStack(base, head));
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT, `${md.length}`);
    assert.match(md, /400 of 400 claims change/);
    assert.match(md, /\| claim-399 \| changed \|/, "every claim in the summary");
    assert.match(md, /Details truncated/);
  });
});
