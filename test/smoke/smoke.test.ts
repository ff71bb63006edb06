// The toolchain proven on real parts: the Pulumi engine, its Node.js language host and the Kubernetes
// provider build deploy to a local API server (kwok nodes run the pods); everything asserted on what
// the API server holds.
import assert from "node:assert/strict";
import { cpSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROOT, tempDir } from "../helpers";
import { clusterDown, clusterUp, installProvider, kubectl, pulumi, pulumiEnv } from "../pulumiEnv";

const PROVIDER_VERSION = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")).version as string;

describe("smoke: pulumi up/preview/destroy on a local cluster", { timeout: 1_200_000 }, () => {
  const scratch = tempDir("ocdp-smoke-");
  const clusterDir = join(scratch, "cluster");
  const program = join(scratch, "program");
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;

  before(async () => {
    kubeconfig = clusterUp(clusterDir, 1);
    cpSync(join(ROOT, "test", "smoke", "program"), program, { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(program, "node_modules"));
    env = pulumiEnv(scratch);
    installProvider(env, PROVIDER_VERSION);
    const init = await pulumi(program, env, ["stack", "init", "smoke"]);
    assert.equal(init.code, 0, init.err);
    const set = await pulumi(program, env, ["config", "set", "smoke:kubeconfig", kubeconfig]);
    assert.equal(set.code, 0, set.err);
  });

  after(async () => {
    if (env) await pulumi(program, env, ["destroy", "--yes", "--stack", "smoke"]).catch(() => undefined);
    const down = clusterDown(clusterDir);
    assert.equal(down.code, 0, `cluster down left something behind: ${down.err}`);
  });

  it("pulumi up deploys namespace, ConfigMap, NodePort Service, a post-rendered chart and a kustomize directory", async () => {
    const up = await pulumi(program, env, ["up", "--yes", "--stack", "smoke", "--skip-preview"]);
    assert.equal(up.code, 0, `${up.out}\n${up.err}`);
    assert.equal(kubectl(kubeconfig, ["get", "configmap", "greeting", "-n", "smoke", "-o", "jsonpath={.data.greeting}"]).out, "hello");
    const cm = JSON.parse(kubectl(kubeconfig, ["get", "configmap", "demo-cm", "-n", "smoke", "-o", "json"]).out);
    assert.equal(cm.metadata.annotations["smoke.ocdp.io/post-rendered"], "true", "the provider ran the post-renderer");
    const dep = JSON.parse(kubectl(kubeconfig, ["get", "deployment", "web", "-n", "smoke", "-o", "json"]).out);
    assert.equal(dep.metadata.annotations["smoke.ocdp.io/post-rendered"], "true");
    assert.equal(dep.status.availableReplicas, 1, "kwok ran the pod: the Deployment is available");
    const kust = JSON.parse(kubectl(kubeconfig, ["get", "configmap", "kustomized", "-n", "smoke", "-o", "json"]).out);
    assert.equal(kust.metadata.labels["smoke.ocdp.io/kustomized"], "true");
  });

  it("pulumi stack output returns the nodePort the API server allocated", async () => {
    const o = await pulumi(program, env, ["stack", "output", "nodePort", "--stack", "smoke"]);
    assert.equal(o.code, 0, o.err);
    const live = kubectl(kubeconfig, ["get", "service", "web", "-n", "smoke", "-o", "jsonpath={.spec.ports[0].nodePort}"]).out;
    assert.match(live, /^3\d{4}$/);
    assert.equal(o.out.trim(), live);
  });

  it("pulumi preview --diff after a change shows exactly that change", async () => {
    assert.equal((await pulumi(program, env, ["config", "set", "smoke:greeting", "changed"])).code, 0);
    const p = await pulumi(program, env, ["preview", "--diff", "--stack", "smoke"]);
    assert.equal(p.code, 0, p.err);
    // The provider replaces a ConfigMap whose data changes (ConfigMaps are treated as immutable).
    assert.match(p.out, /\+-kubernetes:core\/v1:ConfigMap: \(replace\)\s+\[id=smoke\/greeting\]/);
    assert.match(p.out, /~ greeting: "hello" => "changed"/);
    assert.match(p.out, /\+-1 to replace\s+9 unchanged/);
    assert.doesNotMatch(p.out, /to create|to delete|to update/);
    const up = await pulumi(program, env, ["up", "--yes", "--stack", "smoke", "--skip-preview"]);
    assert.equal(up.code, 0, up.err);
    assert.equal(kubectl(kubeconfig, ["get", "configmap", "greeting", "-n", "smoke", "-o", "jsonpath={.data.greeting}"]).out, "changed");
  });

  it("pulumi destroy removes everything", async () => {
    const d = await pulumi(program, env, ["destroy", "--yes", "--stack", "smoke", "--skip-preview"]);
    assert.equal(d.code, 0, d.err);
    const ns = kubectl(kubeconfig, ["get", "namespace", "smoke"]);
    assert.notEqual(ns.code, 0, "namespace is gone");
    assert.match(ns.err, /NotFound/);
  });
});
