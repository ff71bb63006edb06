// Lifetimes on the local stack with `maxRunning: 7d`: a running claim with GPUs needs started and
// expires (render refuses it otherwise, with the numbers), `claim start --at` sets them, `ocdp expired`
// lists the claims past their date at a given time, and `claim stop --expired --at` stops exactly those,
// moving nothing else in the file.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { STACK_TRACE, ocdp, scratchProject } from "../helpers";

describe("claim lifetimes (maxRunning, expires)", () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = scratchProject();
    file = join(dir, "stacks", "Pulumi.local.yaml");
    const doc = yaml.load(readFileSync(file, "utf8")) as { config: Record<string, Record<string, unknown>> };
    doc.config["ocdp:policy"].maxRunning = "7d";
    writeFileSync(file, yaml.dump(doc, { noRefs: true }));
  });

  it("a running claim with GPUs without its dates is refused at render, each claim and field named; one without GPUs is not", () => {
    const r = ocdp(dir, ["render", "--stack", "local"]);
    assert.equal(r.code, 1, r.err);
    for (const c of ["cs-alice", "vllm-qwen"]) {
      assert.match(r.err, new RegExp(`claim ${c}, field started: required: a running claim with GPUs \\(1\\) in workspace team-a runs at most 7d \\(ocdp:policy\\.maxRunning\\)`));
      assert.match(r.err, new RegExp(`claim ${c}, field expires: required`));
    }
    assert.doesNotMatch(r.err, /claim gateway/, "no GPUs, no rule");
    assert.doesNotMatch(r.err, STACK_TRACE);
  });

  it("claim start --at sets started and the latest expires, or --expires; beyond the window is refused with the numbers and nothing written", () => {
    // The whole stack is checked before a claim command writes: vllm-qwen's dates first, as an admin would.
    const doc = yaml.load(readFileSync(file, "utf8")) as { config: { "ocdp:claims": Record<string, unknown>[] } };
    Object.assign(doc.config["ocdp:claims"].find((c) => c.name === "vllm-qwen")!, { started: "2026-11-30T00:00:00Z", expires: "2026-12-06T00:00:00Z" });
    writeFileSync(file, yaml.dump(doc, { noRefs: true }));
    const first = ocdp(dir, ["claim", "start", "--stack", "local", "--name", "cs-alice", "--at", "2026-12-01T09:00:00Z"]);
    assert.equal(first.code, 0, first.err);
    const r = ocdp(dir, ["claim", "start", "--stack", "local", "--name", "vllm-qwen", "--at", "2026-12-01T09:00:00Z", "--expires", "2026-12-03T00:00:00Z"]);
    assert.equal(r.code, 0, r.err);
    const claims = (yaml.load(readFileSync(file, "utf8")) as { config: { "ocdp:claims": { name: string; started?: string; expires?: string }[] } }).config["ocdp:claims"];
    const by = Object.fromEntries(claims.map((c) => [c.name, [c.started, c.expires]]));
    assert.deepEqual(by["cs-alice"], ["2026-12-01T09:00:00Z", "2026-12-08T09:00:00Z"]);
    assert.deepEqual(by["vllm-qwen"], ["2026-12-01T09:00:00Z", "2026-12-03T00:00:00Z"]);
    assert.equal(ocdp(dir, ["render", "--stack", "local"]).code, 0, "renders now");
    const before = readFileSync(file, "utf8");
    const late = ocdp(dir, ["claim", "set", "--stack", "local", "--name", "cs-alice", "--expires", "2026-12-20T00:00:00Z"]);
    assert.equal(late.code, 1);
    assert.match(late.err, /claim cs-alice, field expires: 2026-12-20T00:00:00Z is 11d 15h beyond a running claim with GPUs \(1\) in workspace team-a runs at most 7d \(ocdp:policy\.maxRunning\): at most 2026-12-08T09:00:00Z \(started 2026-12-01T09:00:00Z\)/);
    assert.equal(readFileSync(file, "utf8"), before, "nothing written");
  });

  it("ocdp expired lists the running claims with GPUs past their date; claim stop --expired stops exactly those, nothing else moves", () => {
    const soon = ocdp(dir, ["usage", "--stack", "local", "--at", "2026-12-02T12:00:00Z"]);
    assert.equal(soon.code, 0, soon.err);
    assert.match(soon.out, /^team-a: 1 GPU\(s\) expire within a day \(vllm-qwen\)$/m);
    assert.doesNotMatch(ocdp(dir, ["usage", "--stack", "local", "--at", "2026-12-01T12:00:00Z"]).out, /expire within a day/);
    const at = "2026-12-05T00:00:00Z";
    const list = ocdp(dir, ["expired", "--stack", "local", "--at", at, "--json"]);
    assert.equal(list.code, 0, list.err);
    assert.deepEqual(JSON.parse(list.out), { stack: "local", at, expired: [{ claim: "vllm-qwen", owner: "bob", workspace: "team-a", gpus: 1, expires: "2026-12-03T00:00:00Z" }] });
    assert.match(ocdp(dir, ["expired", "--stack", "local", "--at", at]).out, /^vllm-qwen +bob +team-a +1 +2026-12-03T00:00:00Z \(2d ago\)$/m);
    const before = readFileSync(file, "utf8");
    const r = ocdp(dir, ["claim", "stop", "--stack", "local", "--expired", "--at", at]);
    assert.equal(r.code, 0, r.err);
    const after = readFileSync(file, "utf8");
    const added = after.split("\n").filter((l) => !before.split("\n").includes(l));
    assert.equal(added.length, 1, "one line added");
    assert.match(added[0], /^ +state: stopped$/);
    const line = after.indexOf("  state: stopped");
    assert.ok(after.lastIndexOf("name: vllm-qwen", line) > after.lastIndexOf("name: cs-alice", line), "in vllm-qwen's claim");
    assert.equal(after.replace(/\n\s+state: stopped/, ""), before, "nothing else moves");
    assert.match(ocdp(dir, ["expired", "--stack", "local", "--at", at]).out, /no running claim with GPUs is past its expires/);
    const later = ocdp(dir, ["claim", "stop", "--stack", "local", "--expired", "--at", "2026-12-09T00:00:00Z"]);
    assert.equal(later.code, 0, later.err);
    assert.match(later.err, /claim cs-alice stopped in stacks\/Pulumi\.local\.yaml/);
  });
});
