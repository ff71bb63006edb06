// What an error message may show of a value: never a secret input's value, never a long value whole.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveClaim, type ResolvedTemplate } from "../../src/catalog/resolve";
import { type UserInput, valuesSchema } from "../../src/catalog/userInputs";
import { IssueList, shown } from "../../src/config/errors";
import type { StackConfig, Template } from "../../src/config/types";

const inputs: UserInput[] = [
  { name: "apiKey", type: "string", description: "reaches a Secret", default: "sk-aaaaaaaaaa", pattern: "^sk-[a-z]{10}$", targets: [{ kind: "Secret", fieldPath: "stringData.key" }] },
  { name: "password", type: "string", description: "marked secret", default: "abc", secret: true, pattern: "^[a-z]{3,8}$", targets: [{ kind: "Deployment", fieldPath: "spec.x" }] },
  { name: "note", type: "string", description: "plain", default: "hi", pattern: "^[a-z]{1,5}$", targets: [{ kind: "ConfigMap", fieldPath: "data.note" }] },
];
const template: Template = { id: "t", templateType: "kustomize", source: { type: "kustomize", preset: { type: "kustomize", path: "p" } }, bindings: { users: ["alice"] } };
const rt: ResolvedTemplate = { template, preset: { dir: "/nonexistent", path: "p" } as ResolvedTemplate["preset"], inputs, schema: valuesSchema(inputs) };
const config: StackConfig = { stack: "s", templates: [template], cluster: { name: "k", accessHost: "h" }, policy: {}, access: { workspaces: { w: { users: ["alice"] } } }, claims: [] };

function messages(values: Record<string, unknown>): string[] {
  const issues = new IssueList();
  resolveClaim(config, rt, { name: "c", templateId: "t", workspaceId: "w", owner: { user: "alice" }, values }, { projectRoot: "/", cacheDir: "/tmp" }, issues);
  return issues.items.map((i) => `${i.field}: ${i.rule}`);
}

describe("values in messages", () => {
  it("a value reaching a Secret is never shown", () => {
    const [m] = messages({ apiKey: "sk-THIS-IS-THE-REAL-KEY" });
    assert.equal(m, "values.apiKey: must match pattern ^sk-[a-z]{10}$");
  });
  it("an input marked secret is never shown, even with the wrong type", () => {
    assert.deepEqual(messages({ password: "Hunter2Hunter2" }), ["values.password: must match pattern ^[a-z]{3,8}$"]);
    assert.deepEqual(messages({ password: 123456 }), ["values.password: must be of type string"]);
  });
  it("other values are cut short", () => {
    const [m] = messages({ note: "x".repeat(5000) });
    assert.ok(m.length < 120, m);
    assert.match(m, /\(got "x{30}…" \(5002 chars\)\)$/);
  });
  it("shown() bounds scalars and names containers by size", () => {
    assert.equal(shown("short"), '"short"');
    assert.equal(shown({ a: 1, b: 2 }), "an object of 2 key(s)");
    assert.equal(shown([1, 2, 3]), "a list of 3");
  });
});
