// The pull-request workflows are valid GitHub Actions (actionlint, pinned by the setup), and their
// scripts do what they say: the gate's script is run here for real, on a repository with a base branch
// and a pull request's head, as GitHub would run it.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { ROOT, scratchProject, tempDir } from "../helpers";

const actionlint = (file: string) => spawnSync(join(ROOT, ".tools/bin/actionlint"), ["-no-color", file], { encoding: "utf8" });
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).trim();
type Step = { name?: string; run?: string; env?: Record<string, string> };
const steps = (file: string): Step[] => Object.values((yaml.load(readFileSync(file, "utf8")) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap((j) => j.steps);

for (const name of ["preview", "gate"]) {
  describe(`.github/workflows/${name}.yml`, () => {
    const file = join(ROOT, `.github/workflows/${name}.yml`);
    it("passes actionlint", () => {
      const r = actionlint(file);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
    it("actionlint does catch a broken workflow (the check can fail)", () => {
      const broken = join(tempDir("ocdp-wf-"), `${name}.yml`);
      writeFileSync(broken, readFileSync(file, "utf8").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    step: []"));
      assert.notEqual(actionlint(broken).status, 0);
    });
  });
}

describe("preview.yml", () => {
  it("diffs and authorizes every stack against the PR base, one marked comment per stack", () => {
    const text = readFileSync(join(ROOT, ".github/workflows/preview.yml"), "utf8");
    assert.match(text, /npx ocdp diff --stack "\$stack" --base "\$base" --format markdown >> "comments\/\$stack.md"/);
    assert.match(text, /npx ocdp authorize --stack "\$stack" --base "\$base" --github "\$PR_AUTHOR"/);
    assert.match(text, /<!-- ocdp-diff:\$stack -->/);
    assert.match(text, /pulumi preview --diff --stack "\$STACK"/);
  });
});

describe("gate.yml's authorize step, run for real", () => {
  let dir: string;
  let script: string;
  before(() => {
    const gate = join(ROOT, ".github/workflows/gate.yml");
    assert.match(readFileSync(gate, "utf8"), /^ {2}pull_request_target:/m, "runs the base branch's gate");
    script = steps(gate).find((s) => s.name?.startsWith("ocdp authorize"))!.run!;
    // A repository whose origin has main, and a pull request head on top of it.
    const origin = tempDir("ocdp-origin-");
    dir = scratchProject();
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
    git(origin, "init", "-q", "--bare");
    git(dir, "remote", "add", "origin", origin);
    git(dir, "push", "-q", "origin", "main");
    git(dir, "fetch", "-q", "origin");
  });
  const pr = (from: string, to: string, file = "stacks/Pulumi.lab.yaml") => {
    git(dir, "checkout", "-q", "-B", "pr", "origin/main");
    const f = join(dir, file);
    writeFileSync(f, readFileSync(f, "utf8").replace(from, to));
    git(dir, "commit", "-qam", "pr");
    git(dir, "update-ref", "refs/remotes/pr/head", "HEAD");
    git(dir, "checkout", "-q", "main");
  };
  const run = (author: string) => spawnSync("bash", ["-e", "-c", script], { cwd: dir, encoding: "utf8", env: { ...process.env, BASE_REF: "main", PR_AUTHOR: author } });

  it("passes a pull request in which alice changes her own claim", () => {
    pr("storage: {size: 50Gi}", "storage: {size: 60Gi}");
    const r = run("alice-gh");
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /allowed {2}claim cs-alice changed/);
  });
  it("fails one in which alice changes bob's claim", () => {
    pr("cache: {size: 100Gi}", "cache: {size: 200Gi}");
    const r = run("alice-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /REFUSED {2}claim vllm-llama changed: owned by bob, not alice/);
  });
  it("fails one that adds a stack, for a non-admin, and passes it for an admin", () => {
    git(dir, "checkout", "-q", "-B", "pr", "origin/main");
    writeFileSync(join(dir, "stacks/Pulumi.new.yaml"), readFileSync(join(dir, "stacks/Pulumi.local.yaml")));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "new stack");
    git(dir, "update-ref", "refs/remotes/pr/head", "HEAD");
    git(dir, "checkout", "-q", "main");
    const r = run("alice-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stack new, actor alice[\s\S]*REFUSED {2}ocdp:cluster added/);
    assert.equal(run("ocdp-root").status, 0);
  });
});
