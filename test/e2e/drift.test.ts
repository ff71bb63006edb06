// `ocdp drift` on real parts: the local stack (a claim of each template) deployed on the loopback
// cluster shows no drift; edits made behind Pulumi's back (replicas, an env value, a deleted Service)
// are named exactly, exit 6; after `pulumi up --refresh` there is none again. drift.yml's scripts run as
// a runner runs them, with a recording `gh` in place of GitHub's: the stack's issue opened, then closed.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, ocdpAsync, scratchProject, tempDir } from "../helpers";
import { clusterDown, clusterUp, installProvider, kubectl, pulumi, pulumiEnv } from "../pulumiEnv";
const PROVIDER_VERSION = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")).version as string;
const STACK = "local";

describe("e2e: ocdp drift against the live cluster", { timeout: 1_800_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;
  const drift = () => ocdpAsync(dir, ["drift", "--stack", STACK], 600_000, env);
  const up = async (...more: string[]) => {
    const r = await pulumi(dir, env, ["up", "--yes", "--skip-preview", ...more, "--stack", STACK]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
  };
  const k = (...args: string[]) => {
    const r = kubectl(kubeconfig, args);
    assert.equal(r.code, 0, r.err);
  };

  /** drift.sh then drift-issue.sh, as the workflow runs them; `open`: the number `gh issue list` finds. */
  const driftScripts = (open: string) => {
    const gh = tempDir("ocdp-gh-");
    writeFileSync(join(gh, "gh"), '#!/bin/sh\necho "$*" >> "$GH_LOG"\ncase "$1 $2" in "issue list") printf "%s" "$GH_OPEN" ;; esac\n');
    chmodSync(join(gh, "gh"), 0o755);
    const files = { output: join(gh, "output"), log: join(gh, "log"), out: join(gh, "out") };
    writeFileSync(files.output, "");
    writeFileSync(files.log, "");
    const base = { ...env, STACK, OUT_DIR: files.out, GITHUB_OUTPUT: files.output, PATH: `${gh}:${env.PATH}` };
    const d = spawnSync("bash", [join(dir, "scripts/ci/drift.sh")], { cwd: dir, env: { ...base, KUBECONFIG_DATA: readFileSync(kubeconfig, "utf8") }, encoding: "utf8" });
    assert.equal(d.status, 0, d.stdout + d.stderr);
    const drifted = /^drifted=(.*)$/m.exec(readFileSync(files.output, "utf8"))![1];
    const i = spawnSync("bash", [join(dir, "scripts/ci/drift-issue.sh")], { cwd: dir, env: { ...base, DRIFTED: drifted, GITHUB_REPOSITORY: "o/r", GH_LOG: files.log, GH_OPEN: open }, encoding: "utf8" });
    assert.equal(i.status, 0, i.stdout + i.stderr);
    return { drifted, body: readFileSync(join(files.out, `drift-${STACK}.md`), "utf8"), gh: readFileSync(files.log, "utf8") };
  };

  before(async () => {
    dir = scratchProject();
    kubeconfig = clusterUp(join(dir, ".cluster"), 2);
    env = { ...pulumiEnv(join(dir, ".pulumi-drift")), PULUMI_CONFIG_PASSPHRASE: "drift-e2e" };
    installProvider(env, PROVIDER_VERSION);
    assert.equal((await pulumi(dir, env, ["stack", "init", STACK])).code, 0);
    await up();
  });
  after(async () => {
    if (env) assert.equal((await pulumi(dir, env, ["destroy", "--yes", "--skip-preview", "--stack", STACK])).code, 0);
    assert.equal(clusterDown(join(dir, ".cluster")).code, 0);
  });

  it("a freshly deployed stack, a claim of each template, shows no drift (nothing the cluster owns counts)", async () => {
    const r = await drift();
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(r.out, "stack local: no drift: the cluster matches the stack\n");
  });

  it("replicas and an env value edited, a Service deleted: exactly those, exit 6; after up, none", async () => {
    k("-n", "ws-team-a", "scale", "deployment/cs-alice", "--replicas=2");
    k("-n", "ws-team-a", "set", "env", "deployment/cs-alice", "OCDP_WORKSPACE=edited-by-hand");
    k("-n", "ws-team-a", "delete", "service", "cs-alice");
    const r = await drift();
    assert.equal(r.code, 6, r.out + r.err);
    const lines = r.out.trim().split("\n");
    assert.equal(lines[0], "stack local: 2 object(s) differ from the stack (live -> stack); `pulumi up --refresh` (`ocdp up --refresh`) restores them");
    assert.deepEqual(lines.slice(1).sort(), [
      '  claim cs-alice: Deployment ws-team-a/cs-alice: spec.replicas 2 -> 1, spec.template.spec.containers[0].env[0].value "edited-by-hand" -> "team-a"',
      "  claim cs-alice: Service ws-team-a/cs-alice: missing from the cluster (deleted)",
    ]);
    const json = await ocdpAsync(dir, ["drift", "--stack", STACK, "--json"], 600_000, env);
    assert.equal(json.code, 6);
    assert.deepEqual(JSON.parse(json.out).drifted.map((d: { claim: string; kind: string; change: string }) => `${d.claim} ${d.kind} ${d.change}`).sort(),
      ["cs-alice Deployment changed", "cs-alice Service missing"]);
    // A plain up compares with the state, which still has the old values: nothing to do. Refreshed, it restores.
    await up();
    assert.equal((await drift()).code, 6, "a plain up restores nothing");
    const opened = driftScripts("");
    assert.equal(opened.drifted, "1");
    assert.match(opened.body, /The cluster of stack `local` differs from the stack/);
    assert.ok(opened.body.includes("claim cs-alice: Service ws-team-a/cs-alice: missing from the cluster (deleted)"), opened.body);
    assert.match(opened.gh, /^issue create --repo o\/r --title Drift on stack local --label ocdp-drift --body-file /m);
    await up("--refresh");
    const after = await drift();
    assert.equal(after.code, 0, after.out + after.err);
    // The next day: no drift, and the open issue #41 is closed.
    const closed = driftScripts("41");
    assert.equal(closed.drifted, "0");
    assert.match(closed.gh, /^issue close 41 --repo o\/r --comment No drift any more/m);
    assert.doesNotMatch(closed.gh, /issue create/);
  });
});
