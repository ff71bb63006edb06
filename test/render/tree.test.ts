// The manifests tree: `make validate` passes and catches a broken component; the synthesized bases and
// the chart fixture do not drift from their sources.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { synthBases } from "../../src/apps/synth";
import { ROOT, ocdp, scratchProject } from "../helpers";

describe("manifests tree", () => {
  it("make validate passes", () => {
    const r = spawnSync("make", ["validate"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /validate: \d+ checks ran, 0 problem\(s\)/);
  });

  it("validate fails when a component is broken", () => {
    const dir = scratchProject();
    const k = join(dir, "presets/apps/vllm-server/components/service-nodeport/kustomization.yaml");
    writeFileSync(k, readFileSync(k, "utf8").replace("kind: Component", "kind: Component\nresources: [missing.yaml]"));
    const r = ocdp(dir, ["validate"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /FAIL\s+presets\/tests\/kustomize\/vllm-server-nodeport: kustomize build failed/);
  });

  it("validate fails when an input no longer reaches its target", () => {
    const dir = scratchProject();
    const k = join(dir, "presets/packages/code-server/presets/k3s-hami/kustomization.yaml");
    writeFileSync(k, readFileSync(k, "utf8").replace("resources.limits.[nvidia.com/gpucores]", "resources.requests.[nvidia.com/gpucores]"));
    const r = ocdp(dir, ["validate"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /input gpu.cores does not reach Deployment\/validate-code-server/);
  });

  it("validate fails on a fixed nodePort", () => {
    const dir = scratchProject();
    const k = join(dir, "presets/apps/litellm/components/service-nodeport/kustomization.yaml");
    writeFileSync(k, `${readFileSync(k, "utf8")}      - op: add\n        path: /spec/ports/0/nodePort\n        value: 30080\n`);
    const r = ocdp(dir, ["validate"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /fixes nodePort 30080/);
  });

  it("the committed Git bases equal what the cdk8s constructs synthesize", () => {
    for (const [path, text] of synthBases()) {
      assert.equal(readFileSync(join(ROOT, "presets", path), "utf8"), text, `presets/${path} drifted: run npm run synth`);
    }
  });

  it("the chart fixture of the test overlays is what helm renders today", () => {
    const out = execFileSync(join(ROOT, ".tools/bin/helm"), ["template", "cs-test", join(ROOT, "charts/code-server"), "--namespace", "ws-test",
      "--set", "fullnameOverride=cs-test,serviceAccount.create=false"], { encoding: "utf8" });
    const fixture = readFileSync(join(ROOT, "presets/tests/kustomize/code-server-k3s-hami/rendered.yaml"), "utf8");
    assert.equal(fixture.replace(/^# Fixture:.*\n/, ""), out);
  });
});
