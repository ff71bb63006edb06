// Charts with crds/: refused before anything renders, in both executors alike (the program plans with
// the same offline render), naming the claim, the template and the files. The CRDs are found in a chart
// folder, a packaged chart and a packaged subchart; charts without them (ours, the public kuoss one) pass.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { chartCrdFiles, chartMayGenerate } from "../../src/catalog/sources/chartContents";
import yaml from "js-yaml";
import { ROOT, STACK_TRACE, ocdp, scratchProject, tempDir, writeStack } from "../helpers";
import { pulumi, pulumiEnv } from "../pulumiEnv";

const helm = (cwd: string, ...args: string[]) => {
  const r = spawnSync(join(ROOT, ".tools/bin/helm"), args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

const widgets = { id: "widgets", templateType: "kustomize", source: { type: "helm", chart: "test/charts/with-crds", version: "0.1.0", releaseName: "{{ name }}", preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } }, bindings: { users: ["alice"] } };

describe("charts that carry CRDs in crds/", () => {
  let work: string;
  let dirWithCrds: string;
  before(() => { work = tempDir("ocdp-crds-"); });

  it("are found in a chart folder, a packaged chart and a packaged subchart", () => {
    const folder = join(ROOT, "test/charts/with-crds");
    assert.deepEqual(chartCrdFiles(folder), ["crds/widgets.yaml"]);
    helm(work, "package", folder, "--destination", work);
    assert.deepEqual(chartCrdFiles(join(work, "with-crds-0.1.0.tgz")), ["crds/widgets.yaml"]);
    const parent = join(work, "parent");
    mkdirSync(join(parent, "charts"), { recursive: true });
    writeFileSync(join(parent, "Chart.yaml"), "apiVersion: v2\nname: parent\nversion: 1.0.0\n");
    cpSync(join(work, "with-crds-0.1.0.tgz"), join(parent, "charts", "with-crds-0.1.0.tgz"));
    assert.deepEqual(chartCrdFiles(parent), ["charts/with-crds-0.1.0.tgz/crds/widgets.yaml"]);
    helm(work, "package", parent, "--destination", work);
    // helm package stores the subchart unpacked: charts/with-crds/crds/...
    assert.deepEqual(chartCrdFiles(join(work, "parent-1.0.0.tgz")), ["charts/with-crds/crds/widgets.yaml"]);
  });

  it("charts without them: this project's code-server, and the public kuoss code-server 3.16.1", () => {
    assert.deepEqual(chartCrdFiles(join(ROOT, "charts/code-server")), []);
    const kuoss = join(ROOT, "..", "shared", "charts", "code-server-3.16.1.tgz");
    assert.ok(existsSync(kuoss), kuoss);
    assert.deepEqual(chartCrdFiles(kuoss), []);
  });

  it("which charts may generate values (rendered twice to find them): kuoss's randAlphaNum, a packaged subchart's; not this project's code-server", () => {
    assert.equal(chartMayGenerate(join(ROOT, "..", "shared", "charts", "code-server-3.16.1.tgz")), true);
    assert.equal(chartMayGenerate(join(ROOT, "test/charts/with-hooks")), true);
    assert.equal(chartMayGenerate(join(ROOT, "charts/code-server")), false);
    assert.equal(chartMayGenerate(join(ROOT, "test/charts/with-crds")), false);
    const parent = join(work, "gen-parent");
    mkdirSync(join(parent, "charts"), { recursive: true });
    writeFileSync(join(parent, "Chart.yaml"), "apiVersion: v2\nname: gen-parent\nversion: 1.0.0\n");
    helm(work, "package", join(ROOT, "test/charts/with-hooks"), "--destination", join(parent, "charts"));
    assert.equal(chartMayGenerate(parent), true, "a packaged subchart in a folder");
    helm(work, "package", parent, "--destination", work);
    assert.equal(chartMayGenerate(join(work, "gen-parent-1.0.0.tgz")), true, "a subchart inside a package");
  });

  it("two claims of a CRD-carrying template are each refused at render, naming claim, template and file; nothing renders", () => {
    const dir = scratchProject();
    const cs = (name: string) => ({ name, templateId: "widgets", workspaceId: "team-a", owner: { user: "alice" } });
    writeStack(dir, "local", "crds", [cs("w-one"), cs("w-two")], { "ocdp:templates": [widgets] });
    const r = ocdp(dir, ["render", "--stack", "crds"]);
    assert.equal(r.code, 1, r.out);
    assert.doesNotMatch(r.out, /kind: (CustomResourceDefinition|ConfigMap)/, "none of the chart's objects printed");
    for (const c of ["w-one", "w-two"]) {
      assert.match(r.err, new RegExp(`stack crds, claim ${c}, template widgets, field source\\.chart: checking the chart failed: chart test/charts/with-crds carries CustomResourceDefinitions in crds/ \\(crds/widgets\\.yaml\\): a claim never owns cluster-scoped objects`));
    }
    assert.doesNotMatch(r.err, STACK_TRACE);
    dirWithCrds = dir;
  });

  it("ocdp validate refuses the template, and the real engine the two claims with the same words, registering nothing", async () => {
    const dir = dirWithCrds;
    const p = yaml.load(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as { config: Record<string, { value: unknown[] }> };
    p.config["ocdp:templates"].value.push(widgets);
    writeFileSync(join(dir, "Pulumi.yaml"), yaml.dump(p, { noRefs: true }));
    const v = ocdp(dir, ["validate"]);
    assert.equal(v.code, 1, v.err);
    assert.match(v.err, /FAIL  .*widgets.*chart test\/charts\/with-crds carries CustomResourceDefinitions in crds\/ \(crds\/widgets\.yaml\)/);
    const env = pulumiEnv(join(dir, ".pulumi-crds"));
    assert.equal((await pulumi(dir, env, ["stack", "init", "crds"])).code, 0);
    const r = await pulumi(dir, env, ["preview", "--stack", "crds"]);
    assert.notEqual(r.code, 0, r.out);
    for (const c of ["w-one", "w-two"]) {
      assert.match(r.out + r.err, new RegExp(`stack crds, claim ${c}, template widgets, field source\\.chart: checking the chart failed: chart test/charts/with-crds carries CustomResourceDefinitions in crds/ \\(crds/widgets\\.yaml\\)`));
    }
    assert.doesNotMatch(r.out, /\+ +kubernetes:/, "no resource planned");
  });
});
