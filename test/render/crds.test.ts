// Charts with crds/: refused before anything renders, in both executors alike (the program plans with
// the same offline render), naming the claim, the template and the files. The CRDs are found in a chart
// folder, a packaged chart and a packaged subchart; charts without them (ours, the public kuoss one) pass.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { chartCrdFiles } from "../../src/catalog/sources/chartCrds";
import { ROOT, STACK_TRACE, ocdp, scratchProject, tempDir, writeStack } from "../helpers";

const helm = (cwd: string, ...args: string[]) => {
  const r = spawnSync(join(ROOT, ".tools/bin/helm"), args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

describe("charts that carry CRDs in crds/", () => {
  let work: string;
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

  it("two claims of a CRD-carrying template are each refused at render, naming claim, template and file; nothing renders", () => {
    const dir = scratchProject();
    const cs = (name: string) => ({ name, templateId: "widgets", workspaceId: "team-a", owner: { user: "alice" } });
    writeStack(dir, "local", "crds", [cs("w-one"), cs("w-two")], {
      "ocdp:templates": [{ id: "widgets", templateType: "kustomize", source: { type: "helm", chart: "test/charts/with-crds", version: "0.1.0", releaseName: "{{ name }}", preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } }, bindings: { users: ["alice"] } }],
    });
    const r = ocdp(dir, ["render", "--stack", "crds"]);
    assert.equal(r.code, 1, r.out);
    assert.doesNotMatch(r.out, /kind: (CustomResourceDefinition|ConfigMap)/, "none of the chart's objects printed");
    for (const c of ["w-one", "w-two"]) {
      assert.match(r.err, new RegExp(`stack crds, claim ${c}, template widgets, field source\\.chart: checking the chart failed: chart test/charts/with-crds carries CustomResourceDefinitions in crds/ \\(crds/widgets\\.yaml\\): a claim never owns cluster-scoped objects`));
    }
    assert.doesNotMatch(r.err, STACK_TRACE);
  });
});
