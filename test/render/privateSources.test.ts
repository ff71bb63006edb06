// Private sources for real: a Helm repository, an OCI registry and a Git server on loopback that refuse
// anything without the right basic-auth header (test/privateServers.ts), the credentials kept as stack
// secrets by the real Pulumi CLI, and `ocdp render`/`ocdp diff` reading them through Pulumi. With them,
// each source renders; without them, with wrong ones, or with the server gone, each claim fails saying
// which server, what it answered and what to set; and the password is nowhere: not in any output, the
// staged folder, the cache folder, or the command line of any process while a render runs.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bareRepoOf, filesHolding, makePassword, packagedChart, setSourceCredential, type PrivateServer, privateGitServer, privateHelmRepo, privateOciRegistry } from "../privateServers";
import yaml from "js-yaml";
import { git, ocdpAsync, readYaml, ROOT, type Run, scratchProject, tempDir, writeStack } from "../helpers";
import { pulumi, pulumiEnv } from "../pulumiEnv";

const USER = "robot";
const PASSWORD = makePassword();
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");

/** Samples every process's command line until stopped: what `ps` shows. */
function watchCommandLines(): { stop(): { samples: number; tools: number; leaks: string[] } } {
  let samples = 0;
  let tools = 0;
  const leaks: string[] = [];
  const timer = setInterval(() => {
    samples++;
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      let cmd: string;
      try { cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " "); } catch { continue; }
      if (/\b(helm|git|git-remote-http|git-credential-ocdp)\b/.test(cmd) && !cmd.includes("http-backend")) tools++;
      if (cmd.includes(PASSWORD) || cmd.includes(BASIC)) leaks.push(cmd);
    }
  }, 2);
  return { stop: () => { clearInterval(timer); return { samples, tools, leaks }; } };
}

describe("private sources behind basic auth, in ocdp render and ocdp diff", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let helmRepo: PrivateServer;
  let oci: PrivateServer;
  let gitServer: PrivateServer;
  let gitUrl: string;
  const outputs: Run[] = [];
  const run = async (args: string[]) => {
    const r = await ocdpAsync(dir, args, 180_000, env);
    outputs.push(r);
    return r;
  };

  const templates = () => [
    { id: "cs-helm", templateType: "kustomize", bindings: { users: ["alice"] },
      source: { type: "helm", repositoryUrl: helmRepo.url, chart: "code-server", version: "3.16.1",
        values: 'fullnameOverride: "{{ name }}"\nserviceAccount: {create: false}', preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } } },
    { id: "cs-oci", templateType: "kustomize", bindings: { users: ["alice"] },
      source: { type: "helm", repositoryUrl: oci.url, chart: "code-server", version: "3.16.1", plainHttp: true,
        values: 'fullnameOverride: "{{ name }}"\nserviceAccount: {create: false}', preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } } },
    { id: "vllm-git", templateType: "kustomize", bindings: { users: ["alice"] },
      source: { type: "kustomize", preset: { type: "kustomize", repositoryUrl: gitUrl, ref: "main", path: "packages/vllm-server/presets/k3s-hami" } } },
  ];
  const claims = [
    { name: "c-helm", templateId: "cs-helm", workspaceId: "p", owner: { user: "alice" } },
    { name: "c-oci", templateId: "cs-oci", workspaceId: "p", owner: { user: "alice" } },
    { name: "c-git", templateId: "vllm-git", workspaceId: "p", owner: { user: "alice" } },
  ];
  /** A stack with these templates and claims; with credentials set through Pulumi, `password` their secret. */
  const stackWith = async (name: string, password?: string, only = claims) => {
    writeStack(dir, "local", name, only, { "ocdp:templates": templates() });
    if (password === undefined) return;
    assert.equal((await pulumi(dir, env, ["stack", "init", name])).code, 0);
    const creds: [string, string][] = [["charts", helmRepo.url], ["harbor", oci.url.replace(/\/charts$/, "")], ["gitea", gitServer.url]];
    for (const [cred, url] of creds) setSourceCredential(dir, env, name, cred, { url, username: USER, password });
    assert.ok(!readFileSync(join(dir, "stacks", `Pulumi.${name}.yaml`), "utf8").includes(password), "ciphertext only in the stack file");
  };

  before(async () => {
    dir = scratchProject();
    const tgz = packagedChart();
    helmRepo = await privateHelmRepo(tgz, USER, PASSWORD);
    oci = await privateOciRegistry(tgz, USER, PASSWORD);
    const gitRoot = tempDir("ocdp-private-git-");
    bareRepoOf(join(ROOT, "presets"), gitRoot, "manifests");
    gitServer = await privateGitServer(gitRoot, USER, PASSWORD);
    gitUrl = `${gitServer.url}/manifests.git`;
    env = { ...pulumiEnv(tempDir("ocdp-private-pulumi-")), PULUMI_CONFIG_PASSPHRASE: "private-sources-test-passphrase" };
    await stackWith("priv", PASSWORD);
  });
  after(() => { helmRepo?.close(); oci?.close(); gitServer?.close(); });

  it("each source renders with its credentials, which never reach a command line", async () => {
    const watch = watchCommandLines();
    const r = await run(["render", "--stack", "priv", "--format", "json"]);
    const seen = watch.stop();
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as Record<string, { kind: string; metadata: { name: string } }[]>;
    assert.equal(out["c-helm"].find((o) => o.kind === "Deployment")?.metadata.name, "c-helm");
    assert.equal(out["c-oci"].find((o) => o.kind === "Deployment")?.metadata.name, "c-oci");
    assert.ok(out["c-git"].some((o) => o.kind === "Deployment"), "the Git preset rendered");
    for (const s of [helmRepo, oci, gitServer]) assert.ok(s.seen.some((x) => x.ok), `${s.url} was reached with the credential`);
    assert.ok(seen.tools > 0, `the sampling saw helm or git running (${seen.samples} samples): else it proves nothing`);
    assert.deepEqual(seen.leaks, [], "the password on a command line");
  });

  // A template whose preset cannot be fetched is invalid, and a stack's invalid templates are reported
  // before any chart is pulled: the Git claim is judged in a stack of its own.
  const charts = claims.slice(0, 2);
  const gitOnly = claims.slice(2);

  it("with a warm cache, a stack without credentials is refused by each server, and told what to set", async () => {
    await stackWith("nocreds", undefined, charts);
    const r = await run(["render", "--stack", "nocreds"]);
    assert.equal(r.code, 1, r.out);
    const host = (u: string) => new URL(u.replace(/^oci:/, "http:")).host;
    assert.ok(r.err.includes(`claim c-helm, template cs-helm, field source.chart: helm pull failed: Helm repository ${helmRepo.url} answered 401 Unauthorized and the stack has no credential for it: an admin sets one with \`pulumi config set --path ocdp:sourceCredentials.<name>.url ${helmRepo.url} --stack nocreds\``), r.err);
    assert.ok(r.err.includes(`template cs-oci, field source.chart: helm pull failed: OCI registry oci://${host(oci.url)}/charts/code-server answered 401 Unauthorized and the stack has no credential for it`), r.err);
    await stackWith("nocreds-git", undefined, gitOnly);
    const g = await run(["render", "--stack", "nocreds-git"]);
    assert.equal(g.code, 1, g.out);
    assert.ok(g.err.includes(`stack nocreds-git, template vllm-git, field source.preset.path: Git repository ${gitUrl} answered 401 Unauthorized and the stack has no credential for it: an admin sets one with`), g.err);
  });

  it("wrong credentials are named, and said refused", async () => {
    await stackWith("wrong", `${PASSWORD}-not`, charts);
    const r = await run(["render", "--stack", "wrong"]);
    assert.equal(r.code, 1, r.out);
    assert.ok(r.err.includes(`Helm repository ${helmRepo.url} answered 401 Unauthorized: the credential ocdp:sourceCredentials.charts was refused; an admin sets the right one with \`pulumi config set --secret --path ocdp:sourceCredentials.charts.password <password or token> --stack wrong\``), r.err);
    assert.ok(r.err.includes("answered 401 Unauthorized: the credential ocdp:sourceCredentials.harbor was refused"), r.err);
    await stackWith("wrong-git", `${PASSWORD}-not`, gitOnly);
    const g = await run(["render", "--stack", "wrong-git"]);
    assert.equal(g.code, 1, g.out);
    assert.ok(g.err.includes(`Git repository ${gitUrl} answered 401 Unauthorized: the credential ocdp:sourceCredentials.gitea was refused`), g.err);
  });

  it("a template URL holding a user or password is refused, naming each field, echoing no password", async () => {
    const t = templates();
    const withLogin = (u: string) => u.replace("://", `://${USER}:${PASSWORD}@`);
    writeStack(dir, "local", "inurl", [claims[0], claims[2]], { "ocdp:templates": [
      { ...t[0], source: { ...t[0].source, repositoryUrl: withLogin(helmRepo.url) } },
      { ...t[2], source: { ...t[2].source, preset: { ...t[2].source.preset, repositoryUrl: withLogin(gitUrl) } } },
    ] });
    const asked = helmRepo.seen.length + gitServer.seen.length;
    const r = await run(["render", "--stack", "inurl"]);
    assert.equal(r.code, 1, r.out);
    for (const [template, field] of [["cs-helm", "source.repositoryUrl"], ["vllm-git", "source.preset.repositoryUrl"]]) {
      assert.ok(r.err.includes(`template ${template}, field ${field}: must not hold a user or password: an admin keeps them in ocdp:sourceCredentials`), r.err);
    }
    assert.equal(helmRepo.seen.length + gitServer.seen.length, asked, "refused before anything is fetched");
    assert.ok(!r.err.includes(PASSWORD), "no password echoed");
  });

  it("a server that is gone is said unreachable", async () => {
    const closed = "http://127.0.0.1:1/charts"; // nothing listens on port 1
    writeStack(dir, "local", "gone", [claims[0]], { "ocdp:templates": [{ ...templates()[0], source: { ...templates()[0].source, repositoryUrl: closed } }] });
    const r = await run(["render", "--stack", "gone"]);
    assert.equal(r.code, 1, r.out);
    assert.ok(r.err.includes(`Helm repository ${closed} could not be reached (`), r.err);
  });

  it("ocdp diff renders both refs with the credentials; without the passphrase it says why", async () => {
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "private sources");
    // A change at head: the Helm claim asks for more storage (the secrets and salt stay as Pulumi wrote them).
    const file = join(dir, "stacks", "Pulumi.priv.yaml");
    const doc = readYaml(file);
    doc.config["ocdp:claims"][0].values = { storage: { size: "30Gi" } };
    writeFileSync(file, yaml.dump(doc, { noRefs: true }));
    const r = await run(["diff", "--stack", "priv", "--base", "HEAD"]);
    assert.equal(r.code, 3, r.err);
    assert.match(r.out, /c-helm/);
    const blind = await ocdpAsync(dir, ["diff", "--stack", "priv", "--base", "HEAD"], 180_000, { ...env, PULUMI_CONFIG_PASSPHRASE: "" });
    outputs.push(blind);
    // The claims it cannot render are said, with why; the change is not invalid for it (exit 3, not 1).
    assert.equal(blind.code, 3, blind.out + blind.err);
    assert.match(blind.out, /c-helm[\s\S]*render failed at head: .*takes the credential ocdp:sourceCredentials\.charts, which could not be read for stack priv: pulumi config get ocdp:sourceCredentials: .*\(a job without the stack's passphrase, such as a pull request's diff, cannot render it; the cluster preview and pulumi up do\)/);
  });

  it("the password is in no output, no staged claim and no cache file", () => {
    assert.ok(outputs.length >= 5);
    for (const r of outputs) {
      for (const needle of [PASSWORD, BASIC, encodeURIComponent(PASSWORD)]) assert.ok(!(r.out + r.err).includes(needle), "an output holds the password");
    }
    for (const needle of [PASSWORD, BASIC]) {
      assert.deepEqual(filesHolding(join(dir, ".ocdp"), needle), [], "the staged folder or cache holds the password");
    }
    assert.ok(readdirSync(join(dir, ".ocdp", "cache")).includes("render"), "the cache was written (else the check is empty)");
  });
});
