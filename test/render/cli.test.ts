// The offline executor end to end: the real `ocdp` command, real helm and kustomize.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ROOT, STACK_TRACE, docs, ocdp, readYaml, scratchProject, writeStack, tempDir } from "../helpers";
import { stageClaim } from "../stagedClaim";

const alice = { user: "alice" };
const cs = (name: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ name, templateId: "code-server", workspaceId: "alpha", owner: alice, values, ...extra });

describe("ocdp render", () => {
  let dir: string;
  before(() => { dir = scratchProject(); });

  it("renders a code-server/k3s-hami claim end to end", () => {
    writeStack(dir, "lab", "t1", [cs("cs-one", { gpu: { count: 2, memory: 8192, cores: 50 }, storage: { size: "30Gi" }, cpu: "3", memory: "6Gi" })]);
    const out = tempDir("ocdp-out-");
    const r = ocdp(dir, ["render", "--stack", "t1", "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /cs-one\s+code-server\s+ws-alpha\s+3 objects/);
    const objs = docs(readFileSync(join(out, "cs-one.yaml"), "utf8"));
    const dep = objs.find((o) => o.kind === "Deployment");
    const c = dep.spec.template.spec.containers[0];
    assert.deepEqual(c.resources.limits, { cpu: "3", memory: "6Gi", "nvidia.com/gpu": 2, "nvidia.com/gpumem": 8192, "nvidia.com/gpucores": 50 });
    // The lab overlay: registry mirror, pull secret, GPU runtime class (this pod requests GPUs).
    assert.equal(c.image, "harbor.ocdp.example/mirror/codercom/code-server:4.96.4");
    assert.deepEqual(dep.spec.template.spec.imagePullSecrets, [{ name: "harbor-pull" }]);
    assert.equal(dep.spec.template.spec.runtimeClassName, "nvidia");
    const pvc = objs.find((o) => o.kind === "PersistentVolumeClaim");
    assert.equal(pvc.spec.resources.requests.storage, "30Gi");
    assert.equal(pvc.spec.storageClassName, "local-path");
    const svc = objs.find((o) => o.kind === "Service");
    assert.equal(svc.spec.type, "NodePort");
    assert.ok(svc.spec.ports.every((p: { nodePort?: number }) => p.nodePort === undefined), "no fixed nodePort");
    for (const o of objs) {
      assert.equal(o.metadata.namespace, "ws-alpha");
      assert.equal(o.metadata.labels["ocdp.io/claim"], "cs-one");
      assert.equal(o.metadata.labels["ocdp.io/template"], "code-server");
      assert.equal(o.metadata.labels["ocdp.io/workspace"], "alpha");
      assert.equal(o.metadata.labels["ocdp.io/site"], "lab");
    }
  });

  it("applies per-workspace overrides on top of the cluster overlay", () => {
    writeStack(dir, "lab", "t2", [{ ...cs("cs-vis", { gpu: { count: 1 } }), workspaceId: "vision" }]);
    const r = ocdp(dir, ["render", "--stack", "t2", "--format", "json"]);
    assert.equal(r.code, 0, r.err);
    const dep = JSON.parse(r.out)["cs-vis"].find((o: { kind: string }) => o.kind === "Deployment");
    assert.deepEqual(dep.spec.template.spec.nodeSelector, { "ocdp.io/gpu": "a100" });
    assert.equal(dep.spec.template.spec.tolerations[0].key, "nvidia.com/gpu");
  });

  it("renders vllm-server and litellm claims of two workspaces apart", () => {
    const r = ocdp(dir, ["render", "--stack", "local", "--format", "json"]);
    assert.equal(r.code, 0, r.err);
    const all = JSON.parse(r.out);
    const vllm = all["vllm-qwen"];
    const dep = vllm.find((o: { kind: string }) => o.kind === "Deployment");
    assert.equal(dep.metadata.name, "vllm-qwen-vllm-server");
    assert.equal(dep.metadata.namespace, "ws-team-a");
    assert.equal(dep.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"], 1);
    assert.equal(dep.spec.selector.matchLabels["app.kubernetes.io/instance"], "vllm-qwen", "per-claim selector");
    const pvc = vllm.find((o: { kind: string }) => o.kind === "PersistentVolumeClaim");
    assert.equal(pvc.spec.resources.requests.storage, "20Gi");
    assert.equal(dep.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, pvc.metadata.name, "references follow the prefix");
    const svc = vllm.find((o: { kind: string }) => o.kind === "Service");
    assert.equal(svc.spec.type, "ClusterIP");
    const gw = all.gateway;
    const gdep = gw.find((o: { kind: string }) => o.kind === "Deployment");
    const env = Object.fromEntries(gdep.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env.LITELLM_UPSTREAM_API_BASE, "http://vllm-qwen-vllm-server.ws-team-a.svc:8000/v1");
    assert.equal(gw.find((o: { kind: string }) => o.kind === "Service").spec.type, "LoadBalancer");
    assert.ok(gw.find((o: { kind: string }) => o.kind === "ConfigMap"));
    assert.ok(gw.every((o: { metadata: { namespace: string } }) => o.metadata.namespace === "ws-team-b"));
  });

  it("--claim renders only that claim", () => {
    const out = tempDir("ocdp-out-");
    const r = ocdp(dir, ["render", "--stack", "local", "--claim", "gateway", "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.ok(existsSync(join(out, "gateway.yaml")));
    assert.ok(!existsSync(join(out, "cs-alice.yaml")));
  });

  const bad: [string, unknown, RegExp][] = [
    ["unknown template", { ...cs("cs-bad", {}), templateId: "jupyter" }, /claim cs-bad.*field templateId: unknown template "jupyter"/],
    ["unknown values key", cs("cs-bad", { colour: "blue" }), /claim cs-bad, field values.colour: unknown key/],
    ["wrong type", cs("cs-bad", { gpu: { count: "two" } }), /claim cs-bad, field values.gpu.count: must be of type integer/],
    ["out of range", cs("cs-bad", { gpu: { count: 99 } }), /claim cs-bad, field values.gpu.count: must be <= 8 \(got 99\)/],
    ["pattern", cs("cs-bad", { storage: { size: "30GB" } }), /claim cs-bad, field values.storage.size: must match pattern/],
    ["missing required", { name: "cs-bad", templateId: "code-server", owner: alice }, /claim cs-bad, field workspaceId: required/],
    ["claim name not DNS-1123", cs("Bad_Name", {}), /claim Bad_Name, field name: must match pattern/],
    ["workspaceId not DNS-1123", { ...cs("cs-bad", {}), workspaceId: "Team A" }, /claim cs-bad, field workspaceId: must match pattern/],
    ["YAML injection in a string value", cs("cs-bad", { cpu: "1\n  hostNetwork: true" }), /claim cs-bad, field values.cpu: must match pattern/],
    ["owner not bound", { ...cs("cs-bad", {}), owner: { user: "carol" } }, /claim cs-bad, template code-server, field owner.user: user "carol" \(groups platform, from ocdp:access.groups\) is not bound to template code-server/],
    ["owner naming its own groups", { ...cs("cs-bad", {}), owner: { user: "carol", groups: ["ml-team"] } }, /claim cs-bad, field owner.groups: not accepted: a claim names only owner.user; groups come from the admin directory \(ocdp:access.groups\)/],
  ];
  for (const [what, claim, want] of bad) {
    it(`refuses bad input: ${what}`, () => {
      writeStack(dir, "lab", "bad", [claim]);
      const r = ocdp(dir, ["render", "--stack", "bad"]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, want);
      assert.doesNotMatch(r.err, STACK_TRACE);
      assert.equal(r.out, "", "nothing rendered");
    });
  }

  it("all errors at once across kinds: a claim naming its groups does not hide another's unknown owner, foreign workspace or missing workspace", () => {
    writeStack(dir, "lab", "bad", [
      { ...cs("cs-groups", {}), workspaceId: "nlp", owner: { user: "carol", groups: ["ml-team"] } },
      { ...cs("cs-nobody", {}), workspaceId: "nlp", owner: { user: "mallory" } },
      { ...cs("cs-foreign", {}), workspaceId: "vision", owner: { user: "bob" } },
      { ...cs("cs-nowhere", {}), workspaceId: "atlantis" },
    ], { "ocdp:access": { groups: { "vision-team": ["dana", "erin"] }, workspaces: { nlp: { groups: ["ml-team"] }, vision: { groups: ["vision-team"], users: ["alice"] } } } });
    const r = ocdp(dir, ["render", "--stack", "bad"]);
    assert.equal(r.code, 1, r.err);
    for (const want of [
      /claim cs-groups, field owner\.groups: not accepted/,
      /claim cs-nobody, template code-server, field owner\.user: user "mallory" is not in the admin directory/,
      /claim cs-foreign, template code-server, field workspaceId: user "bob" may not claim into workspace vision/,
      /claim cs-nowhere, template code-server, field workspaceId: workspace "atlantis" is not in ocdp:access\.workspaces/,
    ]) assert.match(r.err, want);
    assert.equal(r.out, "", "nothing rendered");
  });

  it("ocdp up refuses a bad claim before it starts a cluster or touches a backend", () => {
    const d = scratchProject();
    writeStack(d, "local", "local", [cs("cs-bad", { gpu: { count: 99 } })]);
    const r = ocdp(d, ["up"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /stack local, claim cs-bad, field values\.gpu\.count: must be <= 8/);
    assert.ok(!existsSync(join(d, ".cluster")) && !existsSync(join(d, ".pulumi-state")), "nothing started, nothing created");
  });

  it("an unknown stack is exit 1 naming it", () => {
    const r = ocdp(dir, ["render", "--stack", "nope"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /stack nope, field --stack: no such stack: stacks\/Pulumi.nope.yaml does not exist/);
  });

  it("a stack file whose aliases expand to a huge value is refused at once, never a crash", () => {
    // Eleven levels of ten aliases each: 10^11 strings once expanded. Anchors come first, as YAML requires.
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    writeFileSync(join(dir, "stacks", "Pulumi.bomb.yaml"), `${lines.join("\n")}\nconfig:\n  ocdp:claims: *a11\n`);
    const t0 = Date.now();
    const r = ocdp(dir, ["render", "--stack", "bomb"]);
    assert.equal(r.code, 1, r.err);
    assert.ok(Date.now() - t0 < 10_000, "refused quickly");
    assert.match(r.err, /field stacks\/Pulumi.bomb.yaml:1: anchor &a0: anchors and aliases are not accepted/);
    assert.match(r.err, /and \d+ more problem\(s\) of these kinds/);
    assert.doesNotMatch(r.err, STACK_TRACE);
  });

  it("a stack file Pulumi could read otherwise is refused alike by render, usage and endpoints, naming file, line and rule", () => {
    const lab = readFileSync(join(dir, "stacks", "Pulumi.lab.yaml"), "utf8");
    writeFileSync(join(dir, "stacks", "Pulumi.merge.yaml"), lab.replace("  ocdp:claims:\n", "  <<: {ocdp:templates: []}\n  ocdp:claims:\n"));
    const line = lab.split("\n").indexOf("  ocdp:claims:") + 1;
    for (const args of [["render", "--stack", "merge"], ["usage", "--stack", "merge"], ["endpoints", "--stack", "merge"]]) {
      const r = ocdp(dir, args);
      assert.equal(r.code, 1, `${args[0]}: ${r.out}${r.err}`);
      assert.ok(r.err.includes(`field stacks/Pulumi.merge.yaml:${line}: merge key <<: merge keys are not accepted`), `${args[0]}: ${r.err}`);
      assert.doesNotMatch(r.err, STACK_TRACE);
    }
  });

  it("ocdp up and ocdp status on a stack whose kubeconfig is missing, or names no such context: one error, before Pulumi runs", () => {
    const home = tempDir("ocdp-home-");
    const run = (cmd: string) => spawnSync(process.execPath, [join(ROOT, "bin", "ocdp.js"), cmd, "--stack", "lab"], { cwd: dir, encoding: "utf8", env: { ...process.env, HOME: home } });
    for (const cmd of ["up", "status"]) {
      const r = run(cmd);
      assert.equal(r.status, 1, `${cmd}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /stack lab, field ocdp:cluster\.kubeconfig: kubeconfig ~\/\.kube\/ocdp-lab\.yaml \(\S+\) does not exist; point the stack at its cluster \(docs\/admins\.md#deploying-a-stack\)/);
      assert.equal(r.stderr.match(/does not exist/g)!.length, 1, "said once");
      assert.doesNotMatch(r.stderr, STACK_TRACE);
    }
    assert.ok(!existsSync(join(dir, ".pulumi-state")) && !existsSync(join(dir, ".pulumi-home")), "Pulumi never ran");
    mkdirSync(join(home, ".kube"));
    writeFileSync(join(home, ".kube", "ocdp-lab.yaml"), "apiVersion: v1\nkind: Config\ncontexts: [{name: other, context: {cluster: x}}]\ncurrent-context: other\n");
    for (const cmd of ["up", "status"]) {
      const r = run(cmd);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /kubeconfig ~\/\.kube\/ocdp-lab\.yaml \(\S+\) names no context "lab" \(it has other\)/);
    }
  });

  it("lists every problem of every claim at once", () => {
    writeStack(dir, "lab", "bad", [cs("a-bad", { gpu: { count: 99 } }), cs("b-bad", { colour: 1 }), { ...cs("c-bad", {}), templateId: "nope" }]);
    const r = ocdp(dir, ["render", "--stack", "bad"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /3 problems found/);
    for (const n of ["a-bad", "b-bad", "c-bad"]) assert.match(r.err, new RegExp(`claim ${n}`));
  });

  it("refuses a kind the stack's policy names cluster-scoped, naming the claim and the object", () => {
    const lab = readYaml(join(dir, "stacks", "Pulumi.lab.yaml"));
    const policy = { ...lab.config["ocdp:policy"], clusterScopedKinds: ["PersistentVolumeClaim"] };
    writeStack(dir, "lab", "scoped", [cs("cs-scoped", {})], { "ocdp:policy": policy });
    const r = ocdp(dir, ["render", "--stack", "scoped"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /stack scoped, claim cs-scoped, template code-server, field objects: guards failed: PersistentVolumeClaim\/cs-scoped: cluster-scoped kind PersistentVolumeClaim is not allowed in a claim/);
    assert.doesNotMatch(r.err, STACK_TRACE);
  });

  it("refuses a preset path that escapes the tree", () => {
    writeStack(dir, "lab", "esc", [cs("cs-esc", {})], { "ocdp:templates": [{
      id: "code-server", templateType: "kustomize", bindings: { users: ["alice"] },
      source: { type: "kustomize", preset: { type: "kustomize", path: "../charts" } },
    }] });
    const r = ocdp(dir, ["render", "--stack", "esc"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /template code-server, field source.preset.path: must not leave the manifests tree/);
    assert.doesNotMatch(r.err, STACK_TRACE);
  });

  it("usage errors exit 2, --help exits 0", () => {
    assert.equal(ocdp(dir, ["render"]).code, 2);
    assert.equal(ocdp(dir, ["render", "--bogus"]).code, 2);
    assert.equal(ocdp(dir, ["frobnicate"]).code, 2);
    for (const c of ["render", "validate", "schema", "post-render", "diff", "endpoints", "usage"]) {
      const h = ocdp(dir, [c, "--help"]);
      assert.equal(h.code, 0);
      assert.match(h.out, /^Usage: ocdp/);
    }
  });

  it("ocdp schema prints the values schema with defaults", () => {
    const r = ocdp(dir, ["schema", "--stack", "local", "code-server"]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    assert.equal(s.properties.gpu.properties.count.maximum, 8);
    assert.equal(s.properties.storage.properties.size.default, "20Gi");
    assert.equal(s.additionalProperties, false);
  });

  it("ocdp schema --claim prints a whole claim's schema: owner {user} only, the directory's workspaces", () => {
    const r = ocdp(dir, ["schema", "--stack", "local", "code-server", "--claim"]);
    assert.equal(r.code, 0, r.err);
    const s = JSON.parse(r.out);
    assert.deepEqual(s.properties.owner.required, ["user"]);
    assert.deepEqual(Object.keys(s.properties.owner.properties), ["user"]);
    assert.equal(s.properties.owner.additionalProperties, false);
    assert.deepEqual(s.properties.workspaceId.enum, ["team-a", "team-b"]);
    assert.equal(s.properties.templateId.const, "code-server");
    assert.equal(s.properties.values.properties.gpu.properties.count.maximum, 8);
  });
});

describe("ocdp post-render (the Helm post-renderer contract)", () => {
  let dir: string;
  let stage: string;
  let helmOutput: string;
  before(async () => {
    dir = scratchProject();
    ({ stage, helmOutput } = await stageClaim(dir, "local", "cs-alice"));
  });

  it("reads Helm output on stdin and writes the staged claim's preset output on stdout", () => {
    const r = ocdp(dir, ["post-render", "--stage", stage], helmOutput);
    assert.equal(r.code, 0, r.err);
    const objs = docs(r.out);
    const dep = objs.find((o) => o.kind === "Deployment");
    assert.equal(dep.spec.template.spec.containers[0].resources.limits["nvidia.com/gpumem"], 4096);
    assert.equal(objs.find((o) => o.kind === "Service").spec.type, "NodePort");
    assert.ok(!objs.some((o) => o.kind === "Values"), "the values object is local config");
  });

  it("fails (and prints nothing) when kustomize fails", () => {
    const r = ocdp(dir, ["post-render", "--stage", stage], "not: [valid");
    assert.notEqual(r.code, 0);
    assert.equal(r.out, "");
    assert.match(r.err, /kustomize build failed/);
  });

  it("fails on a folder that is no staged claim, and without --stage", () => {
    const r = ocdp(dir, ["post-render", "--stage", join(dir, "presets")], helmOutput);
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    assert.match(r.err, /^error: ocdp post-render --stage .*manifest\.json/m);
    const u = ocdp(dir, ["post-render", "--stack", "local", "--claim", "cs-alice"], helmOutput);
    assert.equal(u.code, 2, "the old --stack/--claim form is gone: the stage is the only hand-off");
    assert.match(u.err, /Usage: ocdp post-render --stage <dir>/);
  });
});
