// The lifetime rule of a running claim with GPUs, table-driven, with the exact words and numbers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Claim, Policy } from "../../src/config/types";
import { isExpired, lifetimeIssues, timeMs } from "../../src/steps/lifetime";

const policy: Policy = { maxRunning: "7d", workspaces: { short: { maxRunning: "12h" } } };
const claim = (extra: Partial<Claim>): Claim => ({ name: "c", templateId: "t", workspaceId: "nlp", owner: { user: "alice" }, ...extra });
const RULE = "a running claim with GPUs (1) in workspace nlp runs at most 7d (ocdp:policy.maxRunning)";
const HOW = "`ocdp claim start` sets both; `ocdp claim set --expires <time>` moves expires";

describe("lifetimeIssues", () => {
  // [what, claim, GPUs, policy, the issues as field|rule]
  const table: [string, Claim, number, Policy, string[]][] = [
    ["within the window", claim({ started: "2026-12-01T09:00:00Z", expires: "2026-12-08T09:00:00Z" }), 1, policy, []],
    ["a date: the end of that day, UTC", claim({ started: "2026-12-01T00:00:00Z", expires: "2026-12-07" }), 1, policy, []],
    ["no GPUs: no rule", claim({}), 0, policy, []],
    ["stopped: no rule", claim({ state: "stopped" }), 1, policy, []],
    ["no maxRunning anywhere", claim({}), 1, {}, []],
    ["neither date", claim({}), 1, policy, [`started|required: ${RULE}, from started to expires; ${HOW}`, `expires|required: ${RULE}; ${HOW}`]],
    ["beyond the window, by how much and until when", claim({ started: "2026-12-01T09:00:00Z", expires: "2026-12-10T11:00:00Z" }), 1, policy,
      [`expires|2026-12-10T11:00:00Z is 2d 2h beyond ${RULE}: at most 2026-12-08T09:00:00Z (started 2026-12-01T09:00:00Z); an admin may move started or the rule`]],
    ["a date beyond: the end of its day counts", claim({ started: "2026-12-01T00:00:00Z", expires: "2026-12-08" }), 1, policy,
      [`expires|2026-12-09T00:00:00Z is 1d beyond ${RULE}: at most 2026-12-08T00:00:00Z (started 2026-12-01T00:00:00Z); an admin may move started or the rule`]],
    ["not after started", claim({ started: "2026-12-02T00:00:00Z", expires: "2026-12-01T12:00:00Z" }), 1, policy, ["expires|2026-12-01T12:00:00Z is not after started 2026-12-02T00:00:00Z"]],
    ["the workspace's rule wins over the stack's", claim({ workspaceId: "short", started: "2026-12-01T00:00:00Z", expires: "2026-12-01T13:00:00+00:00" }), 2, policy,
      ["expires|2026-12-01T13:00:00Z is 1h beyond a running claim with GPUs (2) in workspace short runs at most 12h (ocdp:policy.workspaces.short.maxRunning): at most 2026-12-01T12:00:00Z (started 2026-12-01T00:00:00Z); an admin may move started or the rule"]],
  ];
  for (const [what, c, gpus, p, want] of table) {
    it(what, () => assert.deepEqual(lifetimeIssues("s", c, gpus, p).map((i) => `${i.field}|${i.rule}`), want));
  }
});

describe("isExpired", () => {
  const at = timeMs("2026-12-08T10:00:00Z");
  const table: [string, Claim, number, boolean][] = [
    ["past its expires", claim({ expires: "2026-12-08T09:00:00Z" }), 1, true],
    ["exactly at it", claim({ expires: "2026-12-08T10:00:00Z" }), 1, true],
    ["not yet", claim({ expires: "2026-12-08T11:00:00Z" }), 1, false],
    ["a date runs to the end of its day", claim({ expires: "2026-12-08" }), 1, false],
    ["stopped already", claim({ expires: "2026-12-01T00:00:00Z", state: "stopped" }), 1, false],
    ["no GPUs", claim({ expires: "2026-12-01T00:00:00Z" }), 0, false],
    ["no expires", claim({}), 1, false],
  ];
  for (const [what, c, gpus, want] of table) it(what, () => assert.equal(isExpired(c, gpus, at), want));
});
