import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ClaimRender, diffObjects, diffStack } from "../../src/cli/diff/compare";
import { formatMarkdown, formatText, GITHUB_COMMENT_LIMIT } from "../../src/cli/diff/format";
import type { KObject } from "../../src/steps/objects";

const secret = (v: string): KObject => ({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "n" }, data: { token: v } });
const at = { template: "t", workspace: "w" };
const cm = (name: string, v: string): KObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "n" }, data: { v } });

describe("diff of objects", () => {
  it("never prints Secret values, only that they changed", () => {
    const [c] = diffObjects([secret("czNjcjN0")], [secret("bjN3")]);
    assert.deepEqual(c.fields, [{ path: "data.token", old: "(secret value)", new: "(secret value)" }]);
    assert.doesNotMatch(formatText("s", diffStack(new Map([["a", { objects: [secret("czNjcjN0")], ...at }]]), new Map([["a", { objects: [secret("bjN3")], ...at }]]))), /czNjcjN0|bjN3/);
  });
  it("never prints a secret input's value, wherever the preset put it (a ConfigMap, inside a longer text, in base64), but says the field changed", () => {
    const env = (v: string): KObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "n" }, spec: { env: [{ name: "TOKEN", value: v }] } });
    const base = { objects: [cm("c", "token=old-s3cr3t;"), env("old-s3cr3t"), cm("b", Buffer.from("old-s3cr3t").toString("base64"))], secrets: ["old-s3cr3t"], ...at };
    const head = { objects: [cm("c", "token=new-s3cr3t;"), env("new-s3cr3t"), cm("b", Buffer.from("new-s3cr3t").toString("base64"))], secrets: ["new-s3cr3t"], ...at };
    const [d] = diffStack(new Map([["a", base]]), new Map([["a", head]]));
    assert.deepEqual(d.objects.map((o) => o.fields), [
      [{ path: "spec.env[0].value", old: "(secret value)", new: "(secret value)" }],
      [{ path: "data.v", old: "(secret value)", new: "(secret value)" }],
      [{ path: "data.v", old: "(secret value)", new: "(secret value)" }],
    ]);
    assert.doesNotMatch(formatText("s", [d]) + formatMarkdown("s", [d]), /s3cr3t/);
    // Without the claim's secret values the same diff would print them: the masking is what hides them.
    assert.match(JSON.stringify(diffObjects(base.objects, head.objects)), /new-s3cr3t/);
  });
  it("says when a change stops or starts a claim, in the text and the PR comment", () => {
    const deploy = (replicas: number): KObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "n" }, spec: { replicas } });
    const running = { objects: [deploy(1)], ...at };
    const stopped = { objects: [deploy(0)], ...at, stopped: true };
    const [stops] = diffStack(new Map([["a", running]]), new Map([["a", stopped]]));
    assert.equal(stops.state, "stops");
    assert.match(formatText("s", [stops]), /^claim a: changed \(stops: its pods go, its GPUs return to the workspace\)$/m);
    assert.match(formatMarkdown("s", [stops]), /\| a \| changed \(stops: its pods go, its GPUs return to the workspace\) \|/);
    const [starts] = diffStack(new Map([["a", stopped]]), new Map([["a", running]]));
    assert.equal(starts.state, "starts");
    assert.equal(diffStack(new Map([["a", running]]), new Map([["a", running]]))[0].state, undefined);
  });
  it("flags removed PVCs and Namespaces as data-bearing", () => {
    const pvc: KObject = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "p", namespace: "n" } };
    assert.equal(diffObjects([pvc, cm("c", "1")], [])[1].dataBearing, true);
    assert.equal(diffObjects([pvc, cm("c", "1")], [])[0].dataBearing, undefined);
  });
  it("keeps a PR comment under GitHub's limit by truncating details, never the summary", () => {
    const base = new Map<string, ClaimRender>();
    const head = new Map<string, ClaimRender>();
    for (let i = 0; i < 400; i++) {
      base.set(`claim-${i}`, { objects: Array.from({ length: 20 }, (_, j) => cm(`c${j}`, "x".repeat(50))), ...at });
      head.set(`claim-${i}`, { objects: Array.from({ length: 20 }, (_, j) => cm(`c${j}`, "y".repeat(50))), ...at });
    }
    const md = formatMarkdown("big", diffStack(base, head));
    assert.ok(md.length <= GITHUB_COMMENT_LIMIT, `${md.length}`);
    assert.match(md, /400 of 400 claims change/);
    assert.match(md, /\| t \| w \| 0 \| 400 \| 0 \| 0 \|/, "counts per template and workspace");
    assert.equal(md.match(/^\| claim-\d+ \| changed \|/gm)?.length, 50, "the first 50 claims listed");
    assert.match(md, /and 350 more claims/);
    assert.match(md, /Details truncated/);
  });
  it("keeps the summary itself bounded: 1000 claims over 1000 workspaces and ten stacks' comments stay small", () => {
    const base = new Map<string, ClaimRender>();
    const head = new Map<string, ClaimRender>();
    for (let i = 0; i < 1000; i++) head.set(`claim-with-a-long-name-${i}`, { objects: [cm("c", "v")], template: `template-${i % 7}`, workspace: `workspace-${i}` });
    const md = formatMarkdown("big", diffStack(base, head), 0);
    assert.ok(md.length < 8000, `summary of ${md.length} characters`);
    assert.match(md, /and 950 more template\/workspace pairs/);
    assert.match(md, /and 950 more claims/);
  });
  it("a claim that failed at base and renders at head shows what it renders now", () => {
    const [d] = diffStack(new Map([["a", { error: "boom", ...at }]]), new Map([["a", { objects: [cm("c", "v")], ...at }]]));
    assert.equal(d.status, "changed");
    assert.deepEqual(d.objects.map((o) => `${o.change} ${o.id}`), ["added v1/ConfigMap/n/c"]);
    assert.match(formatText("s", [d]), /render failed at base: boom\n  \+ v1\/ConfigMap\/n\/c/);
  });
  it("never prints a changed value whole", () => {
    const [d] = diffStack(new Map([["a", { objects: [cm("c", "x".repeat(5000))], ...at }]]), new Map([["a", { objects: [cm("c", "y".repeat(5000))], ...at }]]));
    const text = formatText("s", [d]);
    assert.ok(text.length < 600, `${text.length}`);
    assert.match(text, /… \(5002 chars\)/);
  });
});
