// A chart with the hook kinds upstream charts use (test/charts/with-hooks): its pre-install ConfigMap is
// applied as an ordinary object with its generated token as a placeholder, its test Pod never rendered,
// a post-install Job refused naming template, object and hook, values its schema refuses refused with
// Helm's own words: the same in `ocdp render`, `ocdp validate` and the Pulumi program (which plans with
// this render before registering anything).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { STACK_TRACE, ocdp, scratchProject, writeStack } from "../helpers";
import { pulumi, pulumiEnv } from "../pulumiEnv";

type Obj = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; data?: Record<string, string> };
const template = (id: string, values = "") => ({
  id, templateType: "kustomize",
  source: { type: "helm", chart: "test/charts/with-hooks", version: "0.1.0", releaseName: "{{ name }}", values, preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } },
  bindings: { users: ["alice"] },
});
const claim = (name: string, templateId: string) => ({ name, templateId, workspaceId: "team-a", owner: { user: "alice" } });

describe("a chart's hooks, one policy", () => {
  let dir: string;
  before(() => {
    dir = scratchProject();
    writeStack(dir, "local", "hooks", [claim("hk", "hooks"), claim("hk-migrate", "hooks-migrate"), claim("hk-schema", "hooks-schema")], {
      "ocdp:templates": [template("hooks"), template("hooks-migrate", "migrate: true\n"), template("hooks-schema", "migrate: \"yes\"\n")],
    });
  });

  it("a pre-install ConfigMap is an ordinary object of the claim, its generated token a placeholder; the test Pod is never rendered", () => {
    const r = ocdp(dir, ["render", "--stack", "hooks", "--claim", "hk"]);
    assert.equal(r.code, 0, r.err);
    const objects = yaml.loadAll(r.out) as Obj[];
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), ["ConfigMap/hk-settings", "Deployment/hk", "Service/hk"]);
    const cm = objects.find((o) => o.kind === "ConfigMap")!;
    assert.equal(cm.metadata.annotations?.["ocdp.io/helm-hook"], "pre-install");
    assert.equal(cm.metadata.annotations?.["helm.sh/hook-weight"], undefined);
    assert.match(cm.data!.TOKEN, /^ocdp:generated:letters:20:[0-9a-f]{12}$/);
    assert.equal(cm.data!.MODE, "demo");
    const d = objects.find((o) => o.kind === "Deployment")!;
    assert.match(d.metadata.annotations?.["config.kubernetes.io/depends-on"] ?? "", /ConfigMap\/hk-settings/);
  });

  it("a post-install Job is refused naming claim, template, object and hook; values the chart's schema refuses, with Helm's words", () => {
    const r = ocdp(dir, ["render", "--stack", "hooks"]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.err, /stack hooks, claim hk-migrate, template hooks-migrate, field source\.chart: applying the hook policy failed: Job hk-migrate-migrate is a Helm post-install hook: ocdp applies only pre-install Secrets and ConfigMaps of a chart, as ordinary objects \(docs\/design\.md#helm-hooks-and-crds-what-each-executor-does\)/);
    assert.match(r.err, /stack hooks, claim hk-schema, template hooks-schema, field source\.chart: helm template failed: Error: values don't meet the specifications of the schema\(s\) in the following chart\(s\):\nwith-hooks:\n- at '\/migrate': got string, want boolean/);
    assert.doesNotMatch(r.err, STACK_TRACE);
    assert.doesNotMatch(r.err, /claim hk,/, "the good claim renders");
  });

  it("ocdp validate refuses the template whose chart has a post-install hook, naming it", () => {
    const p = yaml.load(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { config: Record<string, { value: unknown[] }> };
    p.config["ocdp:templates"].value.push(template("hooks-migrate", "migrate: true\n"));
    writeFileSync(join(dir, "Pulumi.yaml"), yaml.dump(p, { noRefs: true }));
    const r = ocdp(dir, ["validate"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /FAIL  .*hooks-migrate.*Job .*-migrate is a Helm post-install hook/);
  });

  it("the real engine refuses the same claims with the same words, registering nothing", async () => {
    const env = pulumiEnv(join(dir, ".pulumi-hooks"));
    assert.equal((await pulumi(dir, env, ["stack", "init", "hooks"])).code, 0);
    const r = await pulumi(dir, env, ["preview", "--stack", "hooks"]);
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out + r.err, /claim hk-migrate, template hooks-migrate, field source\.chart: applying the hook policy failed: Job hk-migrate-migrate is a Helm post-install hook/);
    assert.match(r.out + r.err, /claim hk-schema, template hooks-schema, field source\.chart: helm template failed: Error: values don't meet the specifications of the schema\(s\)[^]*- at '\/migrate': got string, want boolean/);
    assert.doesNotMatch(r.out, /\+ +kubernetes:/, "no resource planned");
  });
});
