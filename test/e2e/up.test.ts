// The main job in one command, as a new user runs it: `ocdp up` (npm run up) on a fresh copy of the
// project starts the local cluster, makes the backend and passphrase, creates the stack, deploys and
// prints the endpoints; a second run says nothing changed; `ocdp down` destroys and stops the cluster.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ocdpAsync, ROOT, scratchProject } from "../helpers";
import { clusterDown } from "../pulumiEnv";

describe("ocdp up / ocdp down on a fresh copy", { timeout: 1_200_000 }, () => {
  let dir: string;
  let stackFile: string;
  const env = { ...process.env };
  before(() => {
    // A new user's environment: no backend, no passphrase set.
    delete process.env.PULUMI_BACKEND_URL;
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
    dir = scratchProject();
    stackFile = readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8");
  });
  after(() => {
    Object.assign(process.env, env);
    if (existsSync(join(dir, ".cluster", "state.json"))) clusterDown(join(dir, ".cluster"));
  });

  it("deploys the local stack, says what it applied from the engine's counts, prints its endpoints and leaves no kubeconfig in /tmp", async () => {
    // The provider writes the cluster's kubeconfig to $TMPDIR/kubeconfig<digits>; ocdp gives it a private TMPDIR.
    const kubeconfigs = () => readdirSync(tmpdir()).filter((f) => /^kubeconfig\d+$/.test(f)).sort();
    const before = kubeconfigs();
    const r = await ocdpAsync(dir, ["up"], 900_000);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.err, /\[ocdp up\] applied \(\d+ created\) in /);
    assert.doesNotMatch(`${r.out}${r.err}`, /warning: using pulumi-|from \$PATH/, "a quiet run: no plugin-discovery warnings");
    assert.deepEqual(kubeconfigs(), before, "no kubeconfig left behind in /tmp");
    assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith("ocdp-run-")), [], "the private TMPDIR is removed");
    assert.match(r.err, /starting the local cluster/);
    assert.match(r.err, /created stack local/);
    assert.match(r.out, /^cs-alice\s+team-a\s+NodePort\s+http:\/\/127\.0\.0\.1:\d+$/m);
    // README's "What a first run shows": each line it shows is in this run's output, numbers aside.
    const shown = /<!-- first-run -->\n```text\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, "README.md"), "utf8"))![1].split("\n").filter((l) => l && l !== "…");
    assert.ok(shown.length >= 5, "README shows a first run");
    for (const line of shown) assert.match(`${r.err}\n${r.out}`, firstRunLine(line), `README's first run shows: ${line}`);
    assert.match(r.out, /^gateway\s+team-b\s+LoadBalancer\s+pending$/m);
    const pass = join(dir, ".pulumi-passphrase");
    assert.equal(statSync(pass).mode & 0o777, 0o600, "the passphrase file is private");
    assert.ok(!`${r.out}${r.err}`.includes(readFileSync(pass, "utf8").trim()), "never printed");
    assert.equal(readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8"), stackFile, "the committed stack file is untouched (its salt is kept aside)");
    assert.ok(existsSync(join(dir, ".pulumi-state")));
  });

  it("a second run with nothing changed says so, quickly", async () => {
    const t0 = Date.now();
    const r = await ocdpAsync(dir, ["up"], 600_000);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.err, /\[ocdp up\] nothing changed \(\d+ unchanged\) in /);
    assert.doesNotMatch(r.err, /starting the local cluster|created stack/);
    const stacks = join(dir, ".pulumi-state", ".pulumi", "stacks", "ocdp");
    assert.ok(existsSync(join(stacks, "local.json.gz")) && !existsSync(join(stacks, "local.json")), `a compressed checkpoint: ${readdirSync(stacks)}`);
    assert.ok(Date.now() - t0 < 120_000, `${Date.now() - t0} ms`);
    const st = await ocdpAsync(dir, ["status", "--stack", "local", "--wait", "60s"]);
    assert.equal(st.code, 0, st.out);
    assert.match(st.out, /^cs-alice\s+team-a\s+ready\s+1\s+http:\/\/127\.0\.0\.1:\d+\s+1\/1 replicas available$/m);
  });

  it("ocdp down destroys the stack, says what is retained, and stops the cluster", async () => {
    const r = await ocdpAsync(dir, ["down"], 600_000);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.err, /PersistentVolumeClaims and workspace Namespaces are retained/);
    assert.match(r.err, /the local cluster is stopped/);
    assert.ok(!existsSync(join(dir, ".cluster", "state.json")));
  });
});

/** A line README shows as a pattern: numbers stand for any number, `<project>` for the checkout's path, runs of spaces for any. */
function firstRunLine(line: string): RegExp {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<project>/g, "\\S+").replace(/\d+(\\\.\d+)?/g, "\\d+(?:\\.\\d+)?").replace(/ +/g, " +");
  return new RegExp(`^${escaped}$`, "m");
}
