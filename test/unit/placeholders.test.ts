import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { substitute, unknownPlaceholdersIn } from "../../src/catalog/placeholders";

const scope = { name: "cs-a", namespace: "ws-a", workspaceId: "a" };

describe("placeholders", () => {
  it("are substituted into parsed string scalars, keys included", () => {
    const doc = yaml.load('fullnameOverride: "{{ name }}"\nlabels: {"{{workspaceId}}": "{{ namespace }}"}\nn: 3');
    assert.deepEqual(substitute(doc, scope), { fullnameOverride: "cs-a", labels: { a: "ws-a" }, n: 3 });
  });
  it("cannot change the structure of the document", () => {
    const evil = { name: "x\nhostNetwork: true", namespace: "ws", workspaceId: "w" };
    const out = substitute(yaml.load('a: "{{ name }}"'), evil) as { a: string };
    assert.deepEqual(Object.keys(out), ["a"]);
    assert.equal(out.a, "x\nhostNetwork: true");
  });
  it("unknown placeholders are found", () => {
    assert.deepEqual(unknownPlaceholdersIn({ a: ["{{ name }}", "{{ password }}"] }), ["password"]);
  });
});
