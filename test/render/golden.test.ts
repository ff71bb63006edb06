// Golden outputs: each preset rendered with fixed values (test/golden/claims.yaml) must equal its
// committed file test/golden/<claim>.yaml, byte for byte. `npm run golden` rewrites them after an
// intended change (review the diff); any other drift fails here.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ROOT, ocdp, readYaml, scratchProject, tempDir, writeStack } from "../helpers";

const GOLDEN = join(ROOT, "test", "golden");
const update = process.env.OCDP_UPDATE_GOLDEN === "1";
const claims = readYaml(join(GOLDEN, "claims.yaml")) as { name: string; templateId: string }[];

describe("golden renders of every preset", () => {
  let out: string;
  before(() => {
    const dir = scratchProject();
    writeStack(dir, "local", "golden", claims);
    out = tempDir("ocdp-golden-");
    const r = ocdp(dir, ["render", "--stack", "golden", "--out", out, "--no-cache"]);
    assert.equal(r.code, 0, r.err);
  });
  it("covers every template", () => {
    const templates = (readYaml(join(ROOT, "Pulumi.yaml")).config["ocdp:templates"].value as { id: string }[]).map((t) => t.id).sort();
    assert.deepEqual([...new Set(claims.map((c) => c.templateId))].sort(), templates);
  });
  for (const c of claims) {
    it(`${c.name} (${c.templateId}) renders as committed`, () => {
      const got = readFileSync(join(out, `${c.name}.yaml`), "utf8");
      const file = join(GOLDEN, `${c.name}.yaml`);
      if (update) writeFileSync(file, got);
      assert.equal(got, readFileSync(file, "utf8"), `drift from ${file}: run npm run golden if it is intended`);
    });
  }
});
