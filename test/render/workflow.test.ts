// The pull-request workflow is valid GitHub Actions (actionlint, pinned by the setup) and runs ocdp diff
// for every stack against the PR's base.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT, tempDir } from "../helpers";

const actionlint = (file: string) => spawnSync(join(ROOT, ".tools/bin/actionlint"), ["-no-color", file], { encoding: "utf8" });

describe(".github/workflows/preview.yml", () => {
  const file = join(ROOT, ".github/workflows/preview.yml");
  it("passes actionlint", () => {
    const r = actionlint(file);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it("actionlint does catch a broken workflow (the check can fail)", () => {
    const broken = join(tempDir("ocdp-wf-"), "preview.yml");
    writeFileSync(broken, readFileSync(file, "utf8").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    step: []"));
    assert.notEqual(actionlint(broken).status, 0);
  });
  it("diffs every stack against the PR base and updates one marked comment", () => {
    const text = readFileSync(file, "utf8");
    assert.match(text, /for f in stacks\/Pulumi\.\*\.yaml/);
    assert.match(text, /npx ocdp diff --stack "\$stack" --base "origin\/\$BASE_REF" --format markdown/);
    assert.match(text, /<!-- ocdp-diff -->/);
    assert.match(text, /pulumi preview --diff --stack "\$STACK"/);
  });
});
