// The depends-on annotations reach the provider from both kinds of claims: a Directory stage's own
// kustomize build (the provider runs it; here the kustomize CLI of the same API version) gives the very
// annotations the offline executor prints, and a Helm claim's post-renderer prints them itself.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { resolveStack } from "../../src/catalog/resolve";
import { openStack } from "../../src/cli/context";
import { kustomizeBuild } from "../../src/offline/kustomize";
import { renderClaim } from "../../src/offline/pipeline";
import { postRenderText } from "../../src/offline/stagedClaim";
import { stageClaim } from "../../src/pulumi/stage";
import { DEPENDS_ON } from "../../src/steps/dependsOn";
import { type KObject, parseObjects } from "../../src/steps/objects";
import { scratchProject } from "../helpers";
import { stageClaim as stageHelmClaim } from "../stagedClaim";

const annotations = (objs: KObject[]) => Object.fromEntries(objs.filter((o) => o.metadata.annotations?.[DEPENDS_ON])
  .map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.annotations![DEPENDS_ON]]));

describe("depends-on through both executors", () => {
  let dir: string;
  before(() => { dir = scratchProject(); });

  it("a Kustomize-only claim's stage, built as Directory v2 builds it, carries the offline render's annotations", async () => {
    const { config, ctx } = openStack("local", dir);
    const [rc] = await resolveStack(config, ctx, ["vllm-qwen"]);
    assert.equal(rc.helm, undefined, "vllm-server is a Kustomize-only template");
    const offline = (await renderClaim(rc, { ...ctx, renderCache: undefined })).objects;
    assert.deepEqual(annotations(offline), { "Deployment/vllm-qwen-vllm-server": "/namespaces/ws-team-a/PersistentVolumeClaim/vllm-qwen-vllm-server-cache" });
    const stage = stageClaim(rc, mkdtempSync(join(dir, "stage-")), ctx.cacheDir, offline);
    assert.deepEqual(annotations(parseObjects(await kustomizeBuild(stage, dir))), annotations(offline));
  });

  it("a Helm claim's post-renderer prints the offline render's annotations", async () => {
    const { config, ctx } = openStack("local", dir);
    const [rc] = await resolveStack(config, ctx, ["cs-alice"]);
    const offline = (await renderClaim(rc, { ...ctx, renderCache: undefined })).objects;
    assert.deepEqual(annotations(offline), { "Deployment/cs-alice": "/namespaces/ws-team-a/PersistentVolumeClaim/cs-alice" });
    const { stage, helmOutput } = await stageHelmClaim(dir, "local", "cs-alice");
    assert.deepEqual(annotations(parseObjects(await postRenderText(stage, helmOutput))), annotations(offline));
  });
});
