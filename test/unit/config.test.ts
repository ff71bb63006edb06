import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../src/config/errors";
import { fromConfigValues } from "../../src/config/load";

const template = { id: "t", templateType: "kustomize", source: { type: "kustomize", preset: { type: "kustomize", path: "p" } }, bindings: { users: ["alice"] } };
const claim = { name: "c", templateId: "t", workspaceId: "w", owner: { user: "alice" } };
const cluster = { name: "k", accessHost: "127.0.0.1" };
const access = { workspaces: { w: { users: ["alice"] } } };

function issues(values: Record<string, unknown>): string[] {
  try {
    fromConfigValues("s", values);
    return [];
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e.issues.map((i) => `${i.claim ?? i.template ?? ""}|${i.field}|${i.rule}`);
  }
}

describe("stack config", () => {
  it("accepts a sound config", () => {
    assert.deepEqual(issues({ templates: [template], cluster, access, claims: [claim] }), []);
  });
  it("judges each well-formed claim's owner by the directory in the same run", () => {
    assert.deepEqual(issues({ templates: [template], cluster, claims: [claim] }), ['c|owner.user|user "alice" is not in the admin directory (ocdp:access: admins, group members, workspace users)']);
  });
  it("templates may be a map keyed by id", () => {
    const { templates } = fromConfigValues("s", { templates: { t: { ...template, id: undefined } }, cluster, claims: [] });
    assert.equal(templates[0].id, "t");
  });
  it("reports every problem at once, each with claim and field", () => {
    const found = issues({ templates: [template], cluster, claims: [
      { ...claim, name: "Bad_Name" }, { ...claim, name: "ok", workspaceId: "Not DNS" }, { ...claim, name: "x", owner: {} },
    ] });
    assert.ok(found.some((f) => f.startsWith("Bad_Name|name|must match pattern")), found.join("\n"));
    assert.ok(found.some((f) => f.startsWith("ok|workspaceId|must match pattern")), found.join("\n"));
    assert.ok(found.some((f) => f === "x|owner.user|required"), found.join("\n"));
  });
  it("refuses duplicate claim names and a helm template without chart", () => {
    const helm = { ...template, source: { ...template.source, type: "helm" } };
    const found = issues({ templates: [helm], cluster, claims: [claim, claim] });
    assert.ok(found.includes("c|name|duplicate claim name in this stack"));
    assert.ok(found.includes("t|source.chart|required when source.type is helm"));
  });
  it("plainHttp is for oci:// charts only", () => {
    const src = (extra: object) => ({ ...template, source: { ...template.source, type: "helm", chart: "code-server", ...extra } });
    assert.ok(issues({ templates: [src({ repositoryUrl: "https://charts.example", plainHttp: true })], cluster, claims: [] })
      .includes("t|source.plainHttp|only for oci:// charts (an http:// Helm repository is set by its URL)"));
    assert.deepEqual(issues({ templates: [src({ repositoryUrl: "oci://registry.lab:5000/charts", plainHttp: true })], cluster, claims: [] }), []);
    assert.deepEqual(issues({ templates: [src({ chart: "oci://registry.lab:5000/charts/code-server", plainHttp: true })], cluster, claims: [] }), []);
  });
  it("refuses an unknown ocdp: key instead of reading it as nothing (a misspelt claims list)", () => {
    const found = issues({ templates: [template], cluster, claim: [claim] });
    assert.ok(found.some((f) => f.startsWith("|ocdp:claim|unknown key: expected one of ocdp:templates, ocdp:cluster, ocdp:policy, ocdp:access, ocdp:claims")), found.join("\n"));
  });
  it("requires a cluster", () => {
    assert.ok(issues({ templates: [template], claims: [] }).includes("|ocdp:cluster|required"));
  });
});
