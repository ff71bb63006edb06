// Both executors hand the provider the offline render, object for object: a Directory stage's own
// kustomize build (the provider runs it; here the kustomize CLI of the same API version) with the
// finishing carried as its transformers, and a Helm claim's post-renderer, which finishes itself.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { resolveStack } from "../../src/catalog/resolve";
import { openStack } from "../../src/cli/context";
import { RenderCache } from "../../src/offline/cache";
import { kustomizeBuild } from "../../src/offline/kustomize";
import { renderClaim } from "../../src/offline/pipeline";
import { postRenderText } from "../../src/offline/stagedClaim";
import { stageClaim } from "../../src/pulumi/stage";
import { DEPENDS_ON } from "../../src/steps/dependsOn";
import { type KObject, parseObjects } from "../../src/steps/objects";
import { scratchProject } from "../helpers";
import { stageClaim as stageHelmClaim } from "../stagedClaim";

/** As the provider normalises a Directory's objects: the namespace it is given where an object has none. */
const inNamespace = (objs: KObject[], ns: string) => objs.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } }));

describe("the provider is handed the offline render, through both executors", () => {
  let dir: string;
  before(() => { dir = scratchProject(); });

  for (const claim of ["vllm-qwen", "gateway"]) {
    it(`${claim}: a Kustomize-only claim's stage, built as Directory v2 builds it, gives the offline render exactly`, async () => {
      const { config, ctx } = openStack("local", dir);
      const [rc] = await resolveStack(config, ctx, [claim]);
      assert.equal(rc.helm, undefined, "a Kustomize-only template");
      const offline = await renderClaim(rc, { ...ctx, renderCache: undefined });
      assert.ok(offline.stage?.transformers?.length, "the finishing changed every claim's objects (labels at least)");
      const stage = stageClaim(rc, mkdtempSync(join(dir, "stage-")), ctx.cacheDir, offline.stage);
      assert.deepEqual(inNamespace(parseObjects(await kustomizeBuild(stage, dir)), rc.namespace), offline.objects);
    });
  }

  it("the stage transformers come back from the render cache with the objects", async () => {
    const { config, ctx } = openStack("local", dir);
    const [rc] = await resolveStack(config, ctx, ["vllm-qwen"]);
    const cache = new RenderCache(mkdtempSync(join(dir, "cache-")));
    const first = await renderClaim(rc, { ...ctx, renderCache: cache });
    const again = await renderClaim(rc, { ...ctx, renderCache: cache });
    assert.equal(again.cached, true);
    assert.deepEqual(again.stage, first.stage);
    assert.ok(first.objects.find((o) => o.kind === "Deployment")?.metadata.annotations?.[DEPENDS_ON], "depends-on among them");
  });

  it("a Helm claim's post-renderer prints the offline render exactly", async () => {
    const { config, ctx } = openStack("local", dir);
    const [rc] = await resolveStack(config, ctx, ["cs-alice"]);
    const offline = (await renderClaim(rc, { ...ctx, renderCache: undefined })).objects;
    const { stage, helmOutput } = await stageHelmClaim(dir, "local", "cs-alice");
    assert.deepEqual(parseObjects(await postRenderText(stage, helmOutput)), offline);
  });
});
