// The public kuoss code-server chart on real parts, used exactly as the OCDP manifests README writes its
// template: a loopback Helm repository, the pinned engine and provider, a loopback API server. Its login
// Secret (a pre-install hook with `randAlphaNum 24`) is applied with the claim, the password stays the
// same through a second up, a wiped .ocdp/ with a no-change preview, and a change to another claim,
// and its owner reads it with `ocdp endpoints --show-secrets`. Beside it, a claim of the project's own
// test chart with a pre-install ConfigMap holding a generated token (test/charts/with-hooks).
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { assertContains } from "../applied";
import { type ChartServer, KUOSS, kuossTemplate, serveHelmRepo } from "../chartServers";
import { ROOT, ocdpAsync, scratchProject } from "../helpers";
import { changedSteps } from "../previewSteps";
import { clusterDown, clusterUp, installProvider, kubectl, pulumi, pulumiEnv } from "../pulumiEnv";
import { requiredReferences } from "../../src/steps/references";
const PROVIDER_VERSION = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")).version as string;
const STACK = "kuoss";
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("e2e: the kuoss code-server chart from its repository, through pulumi up", { timeout: 1_800_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;
  let repo: ChartServer;
  let doc: Obj;
  const get = (args: string[]) => JSON.parse(kubectl(kubeconfig, [...args, "-o", "json"]).out);
  const password = (claim: string) => Buffer.from(get(["get", "secret", claim, "-n", "ws-team-a"]).data.password, "base64").toString();
  const token = () => get(["get", "configmap", "hk-settings", "-n", "ws-team-a"]).data.TOKEN as string;
  const write = () => writeFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), yaml.dump(doc, { noRefs: true }));
  const up = async () => {
    const r = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    return r;
  };

  before(async () => {
    assert.ok(existsSync(KUOSS), KUOSS);
    dir = scratchProject();
    kubeconfig = clusterUp(join(dir, ".cluster"), 1);
    repo = await serveHelmRepo(KUOSS);
    doc = yaml.load(readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8")) as Obj;
    const hooks = { ...kuossTemplate(repo.url), id: "hooks" };
    hooks.source = { ...hooks.source, repositoryUrl: undefined, chart: "test/charts/with-hooks", version: "0.1.0", values: "" } as unknown as typeof hooks.source;
    const fails = { ...hooks, id: "fails", source: { ...hooks.source, chart: "test/charts/fails-in-cluster" } };
    doc.config["ocdp:templates"] = [kuossTemplate(repo.url), JSON.parse(JSON.stringify(hooks)), JSON.parse(JSON.stringify(fails))];
    doc.config["ocdp:claims"] = ["cs-k", "cs-l"].map((name) => ({ name, templateId: "code-server-kuoss", workspaceId: "team-a", owner: { user: "alice" }, values: { storage: { size: "5Gi" } } }));
    doc.config["ocdp:claims"].push({ name: "hk", templateId: "hooks", workspaceId: "team-a", owner: { user: "alice" } });
    doc.config["ocdp:access"].workspaces["team-a"].users = ["alice"];
    write();
    env = pulumiEnv(join(dir, ".pulumi-kuoss"));
    installProvider(env, PROVIDER_VERSION);
    assert.equal((await pulumi(dir, env, ["stack", "init", STACK])).code, 0);
    const seed = await pulumi(dir, env, ["config", "set", "--secret", "ocdp:secretSeed", "e2e-seed-0123456789abcdef", "--stack", STACK]);
    assert.equal(seed.code, 0, seed.err);
    doc = yaml.load(readFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), "utf8")) as Obj;
  });

  after(async () => {
    if (env) assert.equal((await pulumi(dir, env, ["destroy", "--yes", "--skip-preview", "--stack", STACK])).code, 0);
    repo?.close();
    assert.equal(clusterDown(join(dir, ".cluster")).code, 0);
  });

  let first = "";
  let firstToken = "";
  it("deploys: the Secret its Deployment reads exists, every object a pod needs exists, and what is applied is what ocdp render prints", async () => {
    const run = await up();
    first = password("cs-k");
    assert.match(first, /^[A-Za-z]{24}$/, "a 24-letter password, not the placeholder");
    assert.notEqual(password("cs-l"), first, "each claim its own");
    firstToken = token();
    assert.match(firstToken, /^[A-Za-z]{20}$/, "the ConfigMap hook's generated token, filled");
    const pods = get(["get", "pods", "-n", "ws-team-a"]).items as Obj[];
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      for (const ref of requiredReferences(pod.spec)) {
        assert.equal(kubectl(kubeconfig, ["get", ref.kind, ref.name, "-n", "ws-team-a"]).code, 0, `Pod ${pod.metadata.name} needs ${ref.kind} ${ref.name}`);
      }
    }
    assert.ok(requiredReferences(pods[0].spec).some((r) => r.kind === "Secret"), "the pod reads its Secret (the loop checks it)");
    const render = await ocdpAsync(dir, ["render", "--stack", STACK, "--format", "json"]);
    assert.equal(render.code, 0, render.err);
    const rendered = Object.entries(JSON.parse(render.out)).filter(([k]) => !k.includes("/")) as [string, Obj[]][];
    const kinds = "deployments,services,persistentvolumeclaims,secrets,configmaps,serviceaccounts";
    const key = (o: Obj) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    const live = (get(["get", kinds, "-n", "ws-team-a", "-l", "ocdp.io/claim"]).items as Obj[]).map(key).sort();
    assert.deepEqual(live, rendered.flatMap(([, objs]) => objs).map(key).sort(), "the same objects, the hook's Secret included");
    for (const [claim, objs] of rendered) {
      for (const o of objs) {
        const got = get(["get", o.kind, o.metadata.name, "-n", o.metadata.namespace]);
        // The fields that differ by design: the render holds the placeholder, the cluster the value.
        if (o.kind === "Secret") {
          assert.match(Buffer.from(o.data.password, "base64").toString(), /^ocdp:generated:letters:24:/);
          got.data.password = o.data.password;
        }
        if (o.kind === "ConfigMap" && o.metadata.name === "hk-settings") {
          assert.match(o.data.TOKEN, /^ocdp:generated:letters:20:/);
          got.data.TOKEN = o.data.TOKEN;
        }
        assertContains(got, o, `${claim} ${o.kind}/${o.metadata.name}`);
      }
    }
    assert.ok(!`${run.out}${run.err}${render.out}`.includes(first), "the password is in no output");
    // Pulumi's state holds both generated values as secrets: the ConfigMap's token too.
    const state = (await pulumi(dir, env, ["stack", "export", "--stack", STACK])).out;
    assert.ok(state.includes("hk-settings") && state.includes("cs-k"), "the export lists them");
    assert.ok(!state.includes(first) && !state.includes(Buffer.from(first).toString("base64")) && !state.includes(firstToken), "no generated value in the state in plain text");
  });

  it("--show-secrets prints the password to its owner; without it, it is masked", async () => {
    const shown = await ocdpAsync(dir, ["endpoints", "--stack", STACK, "--claim", "cs-k", "--show-secrets"], 120_000, env);
    assert.equal(shown.code, 0, shown.err);
    assert.match(shown.out, new RegExp(`cs-k +team-a +NodePort +http://127\\.0\\.0\\.1:\\d+`));
    assert.match(shown.out, new RegExp(`cs-k/password +${first}`));
    const masked = await ocdpAsync(dir, ["endpoints", "--stack", STACK, "--claim", "cs-k"], 120_000, env);
    assert.equal(masked.code, 0, masked.err);
    assert.match(masked.out, /cs-k\/password +\*{8} \(--show-secrets\)/);
    assert.ok(!masked.out.includes(first));
  });

  it("the password stays: a second up, a wiped .ocdp/ and a preview that reports no change, a change to another claim", async () => {
    await up();
    assert.equal(password("cs-k"), first, "after a second up");
    assert.equal(token(), firstToken);
    rmSync(join(dir, ".ocdp"), { recursive: true, force: true });
    const preview = await pulumi(dir, env, ["preview", "--json", "--stack", STACK]);
    assert.equal(preview.code, 0, preview.err);
    const steps = JSON.parse(preview.out).steps;
    assert.deepEqual(changedSteps(steps, "cs-k").inside, [], "a cold cache changes nothing of the claim");
    assert.deepEqual(changedSteps(steps, "cs-l").inside, []);
    assert.deepEqual(changedSteps(steps, "hk").inside, []);
    doc.config["ocdp:claims"][1].values.cpu = "1500m";
    write();
    await up();
    assert.equal(password("cs-k"), first, "after a change to another claim");
    assert.equal(token(), firstToken);
    assert.equal(get(["get", "deployment", "cs-l", "-n", "ws-team-a"]).spec.template.spec.containers[0].resources.limits.cpu, "1500m", "the other change was applied");
  });

  it("a chart that fails only inside the provider: its error once, one line naming claim and template, no stack trace, nothing deployed changed", async () => {
    const before = get(["get", "deployment", "cs-k", "-n", "ws-team-a"]).metadata.resourceVersion;
    doc.config["ocdp:claims"].push({ name: "bad", templateId: "fails", workspaceId: "team-a", owner: { user: "alice" } });
    write();
    const r = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    assert.notEqual(r.code, 0);
    // What the run says, once: its Diagnostics (the live progress shows the same lines as they come).
    const out = (r.out + r.err).split("Diagnostics:")[1]?.split(/\n(Outputs|Resources):/)[0] ?? "";
    assert.equal(out.match(/error: kubernetes:helm\.sh\/v4:Chart resource 'bad' has a problem: execution error at \(fails-in-cluster\/templates\/all\.yaml:2:4\): this chart refuses to render where it can see a cluster/g)?.length, 1, out);
    // The program's own line naming the template comes when it still runs as the engine stops.
    assert.ok((out.match(/error: claim bad \(template fails\) was not applied: its chart failed in the provider \(the error above\); nothing of it changed/g)?.length ?? 0) <= 1, out);
    assert.ok((out.match(/error: /g)?.length ?? 0) <= 2 + 3, "the engine's error, maybe the program's line, and one per Chart being built when it stopped");
    assert.doesNotMatch(r.out + r.err, /unhandled exception|\n\s+at .+:\d+:\d+\)|error serializing/, "no exception dump");
    assert.equal(password("cs-k"), first);
    assert.equal(get(["get", "deployment", "cs-k", "-n", "ws-team-a"]).metadata.resourceVersion, before, "the other claims' objects unchanged");
    const after = JSON.parse((await pulumi(dir, env, ["stack", "output", "--json", "--stack", STACK])).out || "{}");
    assert.match(after.endpoints?.["cs-k"]?.[0]?.url ?? "", /^http:\/\/127\.0\.0\.1:\d+$/, "the last good endpoints stay readable");
    doc.config["ocdp:claims"].pop();
    write();
    await up();
  });
});
