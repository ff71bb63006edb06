import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { UserInput } from "../../src/catalog/userInputs";
import type { KObject } from "../../src/steps/objects";
import { holdsSecret, maskSecrets, secretValuesOf } from "../../src/steps/secretValues";

const input = (name: string, extra: Partial<UserInput>): UserInput => ({ name, type: "string", description: "", targets: [{ kind: "ConfigMap", fieldPath: "data.x" }], ...extra }) as UserInput;

describe("secret inputs", () => {
  it("secretValuesOf: inputs marked secret and inputs that reach a Secret, nested names, never an empty one", () => {
    const inputs = [input("api.key", { secret: true }), input("db.password", { targets: [{ kind: "Secret", fieldPath: "stringData.p" }] }), input("model", {}), input("empty", { secret: true })];
    assert.deepEqual(secretValuesOf(inputs, { api: { key: "k-123" }, db: { password: "pw-456" }, model: "qwen", empty: "" }), ["k-123", "pw-456"]);
  });
  // [what, field value, masked?]
  const table: [string, unknown, boolean][] = [
    ["the value itself", "k-123", true],
    ["inside a longer text", "url=https://x/?key=k-123&a=b", true],
    ["in base64 (Secret data)", Buffer.from("k-123").toString("base64"), true],
    ["another value", "k-124", false],
    ["a number", 42, false],
  ];
  for (const [what, v, masked] of table) it(`holdsSecret: ${what}`, () => assert.equal(holdsSecret(v, ["k-123"]), masked));
  it("maskSecrets masks every such field and nothing else; no secrets, the same objects", () => {
    const o = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "k-123", b: "plain" } } as KObject;
    assert.deepEqual(maskSecrets([o], ["k-123"])[0].data, { a: "(secret value)", b: "plain" });
    assert.equal(maskSecrets([o], [])[0], o);
  });
});
