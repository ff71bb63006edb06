// The gate on claim lifetimes, on a real git repository whose base has `maxRunning: 7d` for workspace nlp
// and alice's claim started on 2026-12-01: the owner moves expires within the window, not beyond it (an
// admin may); the owner sets started only when starting the claim again, to about now.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { STACK_TRACE, editFile, git, gitScratchProject, ocdp } from "../helpers";

const LAB = "stacks/Pulumi.lab.yaml";
const AT = "2026-12-03T10:00:00Z";

describe("ocdp authorize: lifetimes", () => {
  let dir: string;
  const edit = (from: string, to: string) => editFile(dir, LAB, from, to);
  const gate = (...who: string[]) => ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD", "--at", AT, ...who]);
  before(() => {
    dir = gitScratchProject();
    edit("      nlp:\n        budget:", "      nlp:\n        maxRunning: 7d\n        budget:");
    edit("    - name: cs-alice\n", "    - name: cs-alice\n      started: \"2026-12-01T09:00:00Z\"\n      expires: \"2026-12-05T09:00:00Z\"\n");
    edit("    - name: vllm-llama\n", "    - name: vllm-llama\n      started: \"2026-12-02T00:00:00Z\"\n      expires: \"2026-12-09T00:00:00Z\"\n");
    assert.equal(ocdp(dir, ["render", "--stack", "lab"]).code, 0, "the base renders");
    git(dir, "commit", "-qam", "nlp has a lifetime rule");
  });
  const reset = () => git(dir, "checkout", "-q", "--", ".");

  // [what, the change, who, exit code, the verdict line]
  const cases: [string, () => void, string[], number, RegExp][] = [
    ["the owner extends expires within the window", () => edit("2026-12-05T09:00:00Z", "2026-12-08T09:00:00Z"), ["--actor", "alice"], 0,
      /allowed {2}claim cs-alice changed: owned by alice in workspace nlp, which admits them/],
    ["the owner cannot extend it beyond", () => edit("2026-12-05T09:00:00Z", "2026-12-08T10:00:00Z"), ["--actor", "alice"], 4,
      /REFUSED {2}claim cs-alice changed: expires 2026-12-08T10:00:00Z is beyond the 7d window from started 2026-12-01T09:00:00Z \(ocdp:policy\.workspaces\.nlp\.maxRunning\): an admin must approve/],
    ["an admin can", () => edit("2026-12-05T09:00:00Z", "2026-12-20T00:00:00Z"), ["--actor", "root"], 0, /allowed {2}claim cs-alice changed: root is an admin/],
    ["the owner cannot move started of a running claim (a new window)", () => {
      edit("2026-12-01T09:00:00Z", "2026-12-03T09:00:00Z");
      edit("2026-12-05T09:00:00Z", "2026-12-10T09:00:00Z");
    }, ["--actor", "alice"], 4, /REFUSED {2}claim cs-alice changed: started may be set only when the claim is added or started again, to about now \(2026-12-03T10:00:00Z\): an admin may move it/],
  ];
  for (const [what, change, who, code, want] of cases) {
    it(what, () => {
      change();
      try {
        const r = gate(...who);
        assert.equal(r.code, code, `${r.out}${r.err}`);
        assert.match(r.out, want);
        assert.doesNotMatch(r.err, STACK_TRACE);
      } finally {
        reset();
      }
    });
  }

  it("the owner stops her claim, and starts it again: started is now, expires within the window", () => {
    const stop = ocdp(dir, ["claim", "stop", "--stack", "lab", "--name", "cs-alice"]);
    assert.equal(stop.code, 0, stop.err);
    assert.equal(gate("--actor", "alice").code, 0);
    git(dir, "commit", "-qam", "stopped");
    try {
      const start = ocdp(dir, ["claim", "start", "--stack", "lab", "--name", "cs-alice", "--at", AT]);
      assert.equal(start.code, 0, start.err);
      const r = gate("--actor", "alice");
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /allowed {2}claim cs-alice changed/);
      // Started a week from now instead: not "about now".
      editFile(dir, LAB, "2026-12-03T10:00:00Z", "2026-12-10T10:00:00Z");
      assert.match(gate("--actor", "alice").out, /REFUSED {2}claim cs-alice changed: started may be set only when/);
    } finally {
      git(dir, "checkout", "-q", "--", ".");
      git(dir, "reset", "-q", "--hard", "HEAD~1");
    }
  });
});
