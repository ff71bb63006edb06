// Stack secrets under mocks: the kubeconfig reaches the provider as a secret; registry credentials become
// one dockerconfigjson Secret per workspace that lists them; bad credentials are reported with the
// claims' problems, without a value, and register nothing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { mockStack } from "./mocks";

const PASSWORD = "s3cr3t-from-stack-config";
const SECRET_SIG = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"]; // Pulumi's wire mark of a secret

describe("the kubeconfig secret (mocks)", () => {
  it("is the provider's kubeconfig, still a secret", async () => {
    const kubeconfig = `apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: ${PASSWORD}}}]\n`;
    const registered = mockStack("local", (c) => { c["ocdp:kubeconfig"] = kubeconfig; }, ["ocdp:kubeconfig"]);
    const program = require("../../src/index") as () => Promise<unknown>;
    await program();
    await new Promise((r) => setTimeout(r, 500));
    const [p] = registered.filter((r) => r.type === "pulumi:providers:kubernetes");
    assert.equal(p.inputs.kubeconfig[SECRET_SIG[0]], SECRET_SIG[1], "marked secret");
    assert.equal(p.inputs.kubeconfig.value, kubeconfig);
  });
});

describe("image pull secrets from the stack's registry credentials (mocks)", () => {
  it("creates the Secret in each workspace that lists it, and only there", async () => {
    const registered = mockStack("local", (c) => {
      c["ocdp:policy"] = { ...(c["ocdp:policy"] as object), workspaces: { "team-b": { imagePullSecrets: ["mirror"] } } };
      c["ocdp:registryCredentials"] = { mirror: { server: "registry.local:5000", username: "ci", password: PASSWORD } };
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await program();
    await new Promise((r) => setTimeout(r, 500));
    const secrets = registered.filter((r) => r.type === "kubernetes:core/v1:Secret");
    assert.deepEqual(secrets.map((s) => `${s.inputs.metadata.namespace}/${s.inputs.metadata.name}`), ["ws-team-b/mirror"]);
    assert.equal(secrets[0].inputs.type, "kubernetes.io/dockerconfigjson");
    // Pulumi's wire form of a secret: the value travels marked, and is encrypted in state.
    const sd = secrets[0].inputs.stringData;
    assert.equal(sd[SECRET_SIG[0]], SECRET_SIG[1], "stringData is a Pulumi secret");
    const doc = JSON.parse(sd.value[".dockerconfigjson"]);
    assert.equal(Buffer.from(doc.auths["registry.local:5000"].auth, "base64").toString(), `ci:${PASSWORD}`);
  });
});

describe("bad registry credentials (mocks)", () => {
  it("are listed with the claims' problems, never with their value, and nothing is registered", async () => {
    const registered = mockStack("local", (c) => {
      (c["ocdp:claims"] as Record<string, unknown>[]).push({ name: "bad-one", templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 99 } } });
      c["ocdp:registryCredentials"] = { mirror: { server: `${PASSWORD}/x`, username: "ci" } };
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await assert.rejects(program(), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e));
      assert.match(e.message, /claim bad-one, field values.gpu.count: must be <= 8/);
      assert.match(e.message, /stack local, field ocdp:registryCredentials.mirror.password: required/);
      assert.match(e.message, /field ocdp:registryCredentials.mirror.server: must match pattern/);
      assert.match(e.message, /field ocdp:registryCredentials.mirror: not listed in any ocdp:policy imagePullSecrets/);
      assert.ok(!e.message.includes(PASSWORD), "the secret value is never printed");
      return true;
    });
    assert.deepEqual(registered, []);
  });
});
