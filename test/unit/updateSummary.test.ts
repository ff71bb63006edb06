// `ocdp up`'s summary comes from the engine's record of the update, and fails loudly when it cannot.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changesOf, describeChanges } from "../../src/cli/operate/updateSummary";

describe("ocdp up's summary", () => {
  const cases: [Record<string, number>, string][] = [
    [{ create: 12, same: 3 }, "applied (12 created, 3 unchanged)"],
    [{ update: 1, replace: 2, delete: 1, same: 40 }, "applied (1 updated, 2 replaced, 1 deleted, 40 unchanged)"],
    [{ same: 42 }, "nothing changed (42 unchanged)"],
    [{}, "nothing changed"],
    [{ "some-new-op": 2, same: 1 }, "applied (2 some-new-op, 1 unchanged)"],
  ];
  for (const [changes, want] of cases) it(`${JSON.stringify(changes)} -> ${want}`, () => assert.equal(describeChanges(changes), want));

  const since = new Date("2026-12-06T05:46:33.400Z");
  const entry = { kind: "update", result: "succeeded", startTime: "2026-12-06T05:46:33.000Z", resourceChanges: { create: 2 } };
  it("reads the counts of the update that just ran (second resolution)", () => {
    assert.deepEqual(changesOf([entry], since), { create: 2 });
  });
  const refused: [string, unknown, RegExp][] = [
    ["an empty history", [], /history is empty/],
    ["not a list", { oops: 1 }, /history is empty/],
    ["an older update (this one left no record)", [{ ...entry, startTime: "2026-12-06T05:40:00.000Z" }], /not this update \(update started 2026-12-06T05:40:00.000Z\)/],
    ["a refresh, not an update", [{ ...entry, kind: "refresh" }], /not this update \(refresh/],
    ["no resourceChanges", [{ ...entry, resourceChanges: undefined }], /resourceChanges are missing/],
    ["counts that are not numbers", [{ ...entry, resourceChanges: { create: "2" } }], /resourceChanges are missing/],
  ];
  for (const [what, history, rule] of refused) it(`an error, never "nothing changed": ${what}`, () => assert.throws(() => changesOf(history, since), rule));
});
