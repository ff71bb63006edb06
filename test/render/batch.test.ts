// Batched kustomize: many claims in one process give, claim by claim, exactly what a build of each
// claim's stage alone gives (what the post-renderer does inside `pulumi up`); a claim that breaks
// its batch is named and the others still render.
import assert from "node:assert/strict";
import { chmodSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { resolveStack } from "../../src/catalog/resolve";
import { openStack } from "../../src/cli/context";
import { renderClaim } from "../../src/offline/pipeline";
import { renderClaims } from "../../src/offline/stack";
import { ROOT, readYaml, scratchProject, writeStack, tempDir } from "../helpers";

function claims(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const ws = `team-${i % 2}`;
    switch (i % 3) {
      case 0: return { name: `cs-${i}`, templateId: "code-server", workspaceId: ws, owner: { user: "alice" }, values: { gpu: { count: i % 4 }, storage: { size: `${10 + i}Gi` } } };
      case 1: return { name: `vllm-${i}`, templateId: "vllm-server", workspaceId: ws, owner: { user: "bob" }, values: { cache: { size: `${20 + i}Gi` } } };
      default: return { name: `llm-${i}`, templateId: "litellm", workspaceId: ws, owner: { user: "carol" }, values: { replicas: 1 + (i % 3) } };
    }
  });
}

describe("kustomize in batches", () => {
  let dir: string;
  let calls: string;
  const saved = process.env.OCDP_KUSTOMIZE;
  before(() => {
    dir = scratchProject();
    writeStack(dir, "local", "many", claims(12));
    // Counts kustomize processes, then runs the real one.
    calls = join(tempDir("ocdp-calls-"), "kustomize.log");
    const wrapper = join(dir, "kustomize-counting");
    writeFileSync(wrapper, `#!/bin/sh\necho run >> ${calls}\nexec ${join(ROOT, ".tools/bin/kustomize")} "$@"\n`);
    chmodSync(wrapper, 0o755);
    process.env.OCDP_KUSTOMIZE = wrapper;
  });
  afterEach(() => writeFileSync(calls, ""));
  const runs = () => readFileSync(calls, "utf8").split("\n").filter(Boolean).length;

  it("renders 12 claims in 2 kustomize runs, each claim equal to its own build", async () => {
    const { config, ctx } = openStack("many", dir, false);
    const resolved = await resolveStack(config, ctx);
    const batched = await renderClaims(resolved, ctx, 2);
    assert.deepEqual(batched.failures, []);
    assert.equal(runs(), 2, "two batches of six");
    assert.equal(batched.rendered.length, 12);
    for (const r of batched.rendered) {
      const alone = await renderClaim(r.claim, ctx);
      assert.deepEqual(r.objects, alone.objects, r.claim.claim.name);
      assert.ok(r.objects.length >= 3, r.claim.claim.name);
    }
  });

  it("a claim whose preset breaks its batch is named; the other claims of the batch still render", async () => {
    // A template whose preset points at a component that does not exist: valid config, broken kustomize.
    const broken = join(dir, "presets/packages/vllm-server/presets/broken");
    cpSync(join(dir, "presets/packages/vllm-server/presets/k3s-hami"), broken, { recursive: true });
    const k = join(broken, "kustomization.yaml");
    writeFileSync(k, readFileSync(k, "utf8").replace("../../../../apps/vllm-server/base", "../../../../apps/vllm-server/nope"));
    const project = readYaml(join(dir, "Pulumi.yaml"));
    const templates = project.config["ocdp:templates"].value;
    const vllm = templates.find((t: { id: string }) => t.id === "vllm-server");
    templates.push({ ...vllm, id: "vllm-broken", source: { ...vllm.source, preset: { ...vllm.source.preset, path: "packages/vllm-server/presets/broken" } } });
    const list = claims(6);
    list[4] = { ...list[4], name: "vllm-bad", templateId: "vllm-broken" };
    writeStack(dir, "local", "broken", list, { "ocdp:templates": templates });
    const { config, ctx } = openStack("broken", dir, false);
    const { rendered, failures } = await renderClaims(await resolveStack(config, ctx), ctx, 1);
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /stack broken, claim vllm-bad, template vllm-broken, field source.preset: kustomize build failed: .*nope/s);
    assert.deepEqual(rendered.map((r) => r.claim.claim.name), list.map((c) => c.name).filter((n) => n !== "vllm-bad"));
    assert.equal(runs(), 1 + 6, "the batch, then each claim alone");
  });
  after(() => {
    if (saved === undefined) delete process.env.OCDP_KUSTOMIZE;
    else process.env.OCDP_KUSTOMIZE = saved;
  });
});
