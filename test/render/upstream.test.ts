// The public kuoss code-server chart, served from a Helm repository on loopback, used exactly as the
// OCDP manifests README writes its template. It creates its login Secret only as a Helm pre-install
// hook, which Chart v4 leaves out: until hooks have one policy in both executors, the claim is refused
// at render and by the Pulumi program alike, naming the Secret and the hook, instead of deploying a pod
// that can never start.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ChartServer, serveHelmRepo } from "../chartServers";
import { ROOT, STACK_TRACE, ocdpAsync, scratchProject, writeStack } from "../helpers";
import { pulumi, pulumiEnv } from "../pulumiEnv";

const KUOSS = join(ROOT, "..", "shared", "charts", "code-server-3.16.1.tgz");

describe("the public kuoss code-server 3.16.1 chart, as the OCDP README's template uses it", () => {
  let repo: ChartServer;
  let dir: string;
  before(async () => {
    assert.ok(existsSync(KUOSS), `${KUOSS} (the chart as its repository serves it)`);
    repo = await serveHelmRepo(KUOSS);
    dir = scratchProject();
    writeStack(dir, "local", "kuoss", [{ name: "cs-k", templateId: "code-server-kuoss", workspaceId: "team-a", owner: { user: "alice" } }], {
      "ocdp:templates": [{
        id: "code-server-kuoss", templateType: "kustomize",
        source: {
          type: "helm", repositoryUrl: repo.url, chart: "code-server", version: "3.16.1", releaseName: "{{ name }}",
          values: 'fullnameOverride: "{{ name }}"\nserviceAccount: {create: false}\npersistence: {enabled: true, size: 20Gi}\n',
          preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" },
        },
        bindings: { users: ["alice"] },
      }],
    });
  });
  after(() => repo?.close());

  it("is refused at render: its Deployment reads a Secret only a pre-install hook creates", async () => {
    const r = await ocdpAsync(dir, ["render", "--stack", "kuoss"]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /stack kuoss, claim cs-k, template code-server-kuoss, field objects: checking what its pods need failed: Deployment cs-k needs Secret cs-k \(container code-server env PASSWORD\), which only a Helm pre-install hook creates: Chart v4 leaves hooks out/);
    assert.doesNotMatch(r.err, STACK_TRACE);
    assert.doesNotMatch(r.out + r.err, /password: /, "the generated password is never printed");
  });

  it("is refused the same way by the real engine: pulumi preview fails with the same words and registers nothing", async () => {
    const env = pulumiEnv(join(dir, ".pulumi-kuoss"));
    assert.equal((await pulumi(dir, env, ["stack", "init", "kuoss"])).code, 0);
    const r = await pulumi(dir, env, ["preview", "--stack", "kuoss"]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out + r.err, /stack kuoss, claim cs-k, template code-server-kuoss, field objects: checking what its pods need failed: Deployment cs-k needs Secret cs-k \(container code-server env PASSWORD\), which only a Helm pre-install hook creates/);
    assert.doesNotMatch(r.out, /\+ +kubernetes:/, "no resource planned");
  });
});
