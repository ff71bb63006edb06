// Real sources: a Git preset repository made by the test (a ref, then a later commit), and a chart
// served from a loopback Helm repository and from a loopback OCI registry (test/chartServers.ts).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ChartServer, serveHelmRepo, serveOciRegistry } from "../chartServers";
import { ROOT, docs, ocdp, ocdpAsync, scratchProject, writeStack, tempDir } from "../helpers";

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).trim();

describe("Git presets", () => {
  let dir: string;
  let repo: string;
  let first: string;
  before(() => {
    dir = scratchProject();
    repo = tempDir("ocdp-manifests-");
    cpSync(join(ROOT, "presets"), repo, { recursive: true });
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "manifests v1");
    git(repo, "tag", "v1");
    first = git(repo, "rev-parse", "HEAD");
    // A later commit changes the preset: the vllm cache goes to another storage class.
    const k = join(repo, "packages/vllm-server/presets/k3s-hami/kustomization.yaml");
    writeFileSync(k, readFileSync(k, "utf8").replace("value: local-path", "value: nvme"));
    git(repo, "commit", "-qam", "nvme cache");
  });

  const stackWith = (ref: string) => writeStack(dir, "local", "gitref", [
    { name: "vllm-g", templateId: "vllm-server", workspaceId: "g", owner: { user: "bob" } },
  ], { "ocdp:templates": [{
    id: "vllm-server", templateType: "kustomize", bindings: { groups: ["ml-team"] },
    source: { type: "kustomize", preset: { type: "kustomize", repositoryUrl: `file://${repo}`, ref, path: "packages/vllm-server/presets/k3s-hami" } },
  }] });
  const storageClass = () => {
    const r = ocdp(dir, ["render", "--stack", "gitref", "--format", "json"]);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out)["vllm-g"].find((o: { kind: string }) => o.kind === "PersistentVolumeClaim").spec.storageClassName;
  };

  it("renders the preset at a tag", () => {
    stackWith("v1");
    assert.equal(storageClass(), "local-path");
  });
  it("renders the preset at a commit", () => {
    stackWith(first);
    assert.equal(storageClass(), "local-path");
  });
  it("follows a branch to its later commit", () => {
    stackWith("main");
    assert.equal(storageClass(), "nvme");
  });
  it("an unknown ref is the template's error", () => {
    stackWith("no-such-branch");
    const r = ocdp(dir, ["render", "--stack", "gitref"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /template vllm-server, field source.preset.path: ref "no-such-branch" not found/);
  });
});

for (const [kind, serve] of [["Helm repository", serveHelmRepo], ["OCI registry", serveOciRegistry]] as const) {
  describe(`charts from a loopback ${kind}`, () => {
    let dir: string;
    let server: ChartServer;
    before(async () => {
      dir = scratchProject();
      server = await serve();
    });
    after(() => server?.close());

    const stack = (version: string) => writeStack(dir, "local", "repo", [
      { name: "cs-repo", templateId: "code-server", workspaceId: "r", owner: { user: "alice" }, values: { gpu: { count: 1 } } },
    ], { "ocdp:templates": [{
      id: "code-server", templateType: "kustomize", bindings: { users: ["alice"] },
      source: { type: "helm", repositoryUrl: server.url, chart: "code-server", version, ...(server.url.startsWith("oci://") ? { plainHttp: true } : {}),
        values: 'fullnameOverride: "{{ name }}"\nserviceAccount: {create: false}',
        preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } },
    }] });

    it("fetches the chart at its version and renders the claim", async () => {
      stack("3.16.1");
      const r = await ocdpAsync(dir, ["render", "--stack", "repo"]);
      assert.equal(r.code, 0, r.err);
      const dep = docs(r.out).find((o) => o.kind === "Deployment");
      assert.equal(dep.metadata.name, "cs-repo");
      assert.equal(dep.metadata.labels["helm.sh/chart"], "code-server-3.16.1");
      assert.equal(dep.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"], 1);
    });
    it("a version the source does not have fails the claim with helm's words", async () => {
      stack("9.9.9");
      const r = await ocdpAsync(dir, ["render", "--stack", "repo"]);
      assert.equal(r.code, 1, r.err); // once seen as 70 (an internal error) on a fresh clone: say why next time
      assert.match(r.err, /claim cs-repo.*helm pull failed: .*9\.9\.9/s);
    });
  });
}
