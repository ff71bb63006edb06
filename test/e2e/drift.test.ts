// `ocdp drift` on real parts: the local stack (a claim of each template) deployed on the loopback
// cluster shows no drift; edits made behind Pulumi's back (replicas, an env value, a deleted Service)
// are named exactly, exit 6; after `pulumi up` there is none again.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, ocdpAsync, scratchProject } from "../helpers";
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
    await up("--refresh");
    const after = await drift();
    assert.equal(after.code, 0, after.out + after.err);
  });
});
