import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dockerConfigJson, parseCredentials, referencedPullSecrets } from "../../src/config/credentials";
import { pullSecretsByNamespace } from "../../src/pulumi/pullSecrets";
import type { ResolvedClaim } from "../../src/catalog/resolve";

const PASSWORD = "hunter2-never-printed";
const good = { harbor: { server: "harbor.example:5000", username: "robot$ci", password: PASSWORD } };

describe("registry credentials (a Pulumi secret)", () => {
  it("accepts credentials whose names an overlay lists", () => {
    const r = parseCredentials("lab", JSON.stringify(good), new Set(["harbor"]));
    assert.deepEqual(r.issues, []);
    assert.equal(r.credentials.harbor.username, "robot$ci");
  });
  it("absent config is no credentials, not an error", () => {
    assert.deepEqual(parseCredentials("lab", undefined, new Set()), { credentials: {}, issues: [] });
  });
  it("reports every problem with stack and field, and never a value", () => {
    const bad = { harbor: { server: "https://harbor.example", username: "", extra: PASSWORD }, Bad_Name: good.harbor, unused: good.harbor };
    const r = parseCredentials("lab", JSON.stringify(bad), new Set(["harbor", "Bad_Name"]));
    const lines = r.issues.map((i) => `${i.stack}|${i.field}|${i.rule}`).sort();
    assert.deepEqual(lines, [
      "lab|ocdp:registryCredentials.Bad_Name|the key is the Secret's name: it must be a DNS-1123 name",
      "lab|ocdp:registryCredentials.harbor.extra|unknown key: not declared by the schema",
      "lab|ocdp:registryCredentials.harbor.password|required",
      "lab|ocdp:registryCredentials.harbor.server|must match pattern ^[A-Za-z0-9.-]+(:[0-9]+)?$",
      "lab|ocdp:registryCredentials.harbor.username|must be at least 1 characters",
      "lab|ocdp:registryCredentials.unused|not listed in any ocdp:policy imagePullSecrets: no workspace would use it",
    ]);
    assert.ok(!JSON.stringify(r.issues).includes(PASSWORD) && !JSON.stringify(r.issues).includes("https://harbor"), "no value echoed");
    assert.deepEqual(r.credentials, {}, "nothing usable when anything is wrong");
  });
  it("refuses text that is not an object", () => {
    const r = parseCredentials("lab", `not json ${PASSWORD}`, new Set());
    assert.equal(r.issues.length, 1);
    assert.match(r.issues[0].rule, /must be an object/);
    assert.ok(!r.issues[0].rule.includes(PASSWORD));
  });
  it("builds the .dockerconfigjson a kubelet reads", () => {
    const doc = JSON.parse(dockerConfigJson(good.harbor));
    const a = doc.auths["harbor.example:5000"];
    assert.equal(Buffer.from(a.auth, "base64").toString(), `robot$ci:${PASSWORD}`);
    assert.equal(a.username, "robot$ci");
  });
  it("collects the names the overlay and the workspace overrides list", () => {
    assert.deepEqual([...referencedPullSecrets({ overlay: { imagePullSecrets: ["a"] }, workspaces: { w: { imagePullSecrets: ["b", "a"] }, v: {} } })].sort(), ["a", "b"]);
  });
  it("each namespace gets the secrets its claims list and ocdp holds credentials for", () => {
    const rc = (ns: string, names?: string[]) => ({ namespace: ns, overlay: { imagePullSecrets: names } }) as unknown as ResolvedClaim;
    const m = pullSecretsByNamespace([rc("ws-a", ["harbor", "external"]), rc("ws-a", ["harbor"]), rc("ws-b"), rc("ws-c", ["harbor"])], new Set(["harbor"]));
    assert.deepEqual([...m], [["ws-a", ["harbor"]], ["ws-c", ["harbor"]]]);
  });
});
