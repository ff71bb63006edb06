// Private sources through pulumi up on real parts: a claim of a chart from a Helm repository that
// requires basic auth, and a claim of a preset from a Git server that requires it, deploy on the
// loopback cluster with the stack's ocdp:sourceCredentials. The password is in no output of up, in the
// exported state only as ciphertext (or not at all), and in no file of the staged folder or cache.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { ROOT, ocdpAsync, scratchProject, tempDir } from "../helpers";
import { bareRepoOf, filesHolding, makePassword, packagedChart, setSourceCredential, type PrivateServer, privateGitServer, privateHelmRepo } from "../privateServers";
import { clusterDown, clusterUp, installProvider, kubectl, pulumi, pulumiEnv } from "../pulumiEnv";
const PROVIDER_VERSION = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")).version as string;
const STACK = "private";
const USER = "robot";
const PASSWORD = makePassword();
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("e2e: a private Helm repository and a private Git preset, through pulumi up", { timeout: 1_800_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;
  let repo: PrivateServer;
  let gitServer: PrivateServer;

  before(async () => {
    dir = scratchProject();
    kubeconfig = clusterUp(join(dir, ".cluster"), 1);
    const tgz = packagedChart();
    repo = await privateHelmRepo(tgz, USER, PASSWORD);
    const gitRoot = tempDir("ocdp-private-git-");
    bareRepoOf(join(ROOT, "presets"), gitRoot, "manifests");
    gitServer = await privateGitServer(gitRoot, USER, PASSWORD);
    const doc = yaml.load(readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8")) as Obj;
    doc.config["ocdp:templates"] = [
      { id: "cs-private", templateType: "kustomize", bindings: { users: ["alice"] },
        source: { type: "helm", repositoryUrl: repo.url, chart: "code-server", version: "3.16.1",
          values: 'fullnameOverride: "{{ name }}"\nserviceAccount: {create: false}', preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } } },
      { id: "vllm-private", templateType: "kustomize", bindings: { users: ["alice"] },
        source: { type: "kustomize", preset: { type: "kustomize", repositoryUrl: `${gitServer.url}/manifests.git`, ref: "main", path: "packages/vllm-server/presets/k3s-hami" } } },
    ];
    doc.config["ocdp:claims"] = [
      { name: "cs-p", templateId: "cs-private", workspaceId: "team-a", owner: { user: "alice" }, values: { storage: { size: "5Gi" } } },
      { name: "vllm-p", templateId: "vllm-private", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 1, memory: 1024 }, cache: { size: "1Gi" } } },
    ];
    doc.config["ocdp:access"].workspaces["team-a"].users = ["alice"];
    writeFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), yaml.dump(doc, { noRefs: true }));
    env = { ...pulumiEnv(join(dir, ".pulumi-private")), PULUMI_CONFIG_PASSPHRASE: "private-e2e-passphrase" };
    installProvider(env, PROVIDER_VERSION);
    assert.equal((await pulumi(dir, env, ["stack", "init", STACK])).code, 0);
    for (const [cred, url] of [["charts", repo.url], ["gitea", gitServer.url]]) setSourceCredential(dir, env, STACK, cred, { url, username: USER, password: PASSWORD });
  });

  after(async () => {
    if (env) assert.equal((await pulumi(dir, env, ["destroy", "--yes", "--skip-preview", "--stack", STACK])).code, 0);
    repo?.close();
    gitServer?.close();
    assert.equal(clusterDown(join(dir, ".cluster")).code, 0);
  });

  it("both claims deploy, and what is applied is what ocdp render prints from the same sources", async () => {
    const up = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    assert.equal(up.code, 0, `${up.out}\n${up.err}`);
    const deployments = JSON.parse(kubectl(kubeconfig, ["get", "deployments", "-n", "ws-team-a", "-o", "json"]).out).items.map((d: Obj) => d.metadata.name).sort();
    assert.deepEqual(deployments, ["cs-p", "vllm-p-vllm-server"]);
    assert.ok(repo.seen.some((s) => s.ok) && gitServer.seen.some((s) => s.ok), "both servers were reached with the login");
    const render = await ocdpAsync(dir, ["render", "--stack", STACK, "--format", "json"], 180_000, env);
    assert.equal(render.code, 0, render.err);
    const rendered = JSON.parse(render.out) as Record<string, Obj[]>;
    const dep = rendered["cs-p"].find((o) => o.kind === "Deployment");
    const live = JSON.parse(kubectl(kubeconfig, ["get", "deployment", "cs-p", "-n", "ws-team-a", "-o", "json"]).out);
    assert.equal(live.spec.template.spec.containers[0].image, dep.spec.template.spec.containers[0].image);
    assert.equal(live.metadata.labels["helm.sh/chart"], "code-server-3.16.1");

    const preview = await pulumi(dir, env, ["preview", "--stack", STACK, "--expect-no-changes"]);
    assert.equal(preview.code, 0, `a second run changes nothing: ${preview.out}\n${preview.err}`);

    const state = (await pulumi(dir, env, ["stack", "export", "--stack", STACK])).out;
    assert.ok(state.includes("cs-p"), "the export lists the claim");
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
    for (const text of [up.out + up.err, preview.out + preview.err, render.out + render.err, state]) {
      assert.ok(!text.includes(PASSWORD) && !text.includes(basic), "the password in an output or the state");
    }
    assert.deepEqual(filesHolding(join(dir, ".ocdp"), PASSWORD), [], "the staged folder or cache holds the password");
    assert.deepEqual(filesHolding(join(dir, ".pulumi-private", "state"), PASSWORD), [], "the backend holds the password");
  });
});
