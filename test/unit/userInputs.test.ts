import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkUserInputs, type UserInput, valuesSchema } from "../../src/catalog/userInputs";
import { check } from "../../src/config/validate";

const t = [{ kind: "Deployment", fieldPath: "spec.replicas" }];
const inputs: UserInput[] = [
  { name: "gpu.count", type: "integer", description: "d", default: 0, minimum: 0, maximum: 8, targets: t },
  { name: "storage.size", type: "string", description: "d", default: "20Gi", pattern: "^[1-9][0-9]*Gi$", targets: t },
  { name: "token", type: "string", description: "d", required: true, targets: t },
];
const where = { stack: "s", claim: "c" };

describe("userInputs -> claim-values JSON Schema", () => {
  const schema = valuesSchema(inputs);
  it("nests dotted names and fills defaults", () => {
    const v: Record<string, unknown> = { token: "x" };
    assert.deepEqual(check(schema, v, where, "values"), []);
    assert.deepEqual(v, { token: "x", gpu: { count: 0 }, storage: { size: "20Gi" } });
  });
  it("names the field and the rule of each problem", () => {
    const found = check(schema, { gpu: { count: 99 }, storage: { size: "30GB" }, colour: "blue" }, where, "values");
    const byField = Object.fromEntries(found.map((i) => [i.field, i.rule]));
    assert.match(byField["values.gpu.count"], /<= 8/);
    assert.match(byField["values.storage.size"], /pattern/);
    assert.match(byField["values.colour"], /unknown key/);
    assert.equal(byField["values.token"], "required");
  });
  it("rejects a wrong type", () => {
    assert.match(check(schema, { token: "x", gpu: { count: "two" } }, where, "values")[0].rule, /type integer/);
  });
  it("checks the userInputs document itself", () => {
    const doc = { apiVersion: "ocdp.io/v1alpha1", kind: "UserInputs", inputs: [
      { name: "a", type: "integer", description: "d", default: 9, maximum: 8, targets: t },
      { name: "b", type: "string", description: "d", targets: t },
      { name: "a.x", type: "string", description: "d", default: "", targets: t },
    ] };
    const rules = checkUserInputs(doc, { template: "t" }).map((i) => `${i.field}: ${i.rule}`).join("\n");
    assert.match(rules, /userInputs.a: default 9 breaks/);
    assert.match(rules, /userInputs.b: an optional input needs a default/);
    assert.match(rules, /overlaps input/);
  });
});
