// Every claim is staged once, into a content-addressed folder `.ocdp/stage/<stack>/<claim>-<hash>`
// (offline/stagedClaim): the only hand-off to the provider. A Helm-backed claim's folder is what
// `ocdp post-render --stage` puts Helm's output beside; a Kustomize-only claim's folder is what
// Directory v2 builds, inside the provider, during preview and up (so it outlives this program run).
// An unchanged claim keeps its folder from run to run; a changed one gets a new one.
import { resolve } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import { type StageExtras, writeStageFiles } from "../steps/stage";
import { stageKey } from "../offline/cache";
import { finishContext } from "../offline/pipeline";
import { writeStagedClaim } from "../offline/stagedClaim";

/**
 * `extras`: what the offline render added to the claim's stage: a Helm claim's kept hooks and generated
 * values, a Kustomize-only claim's finishing (its Directory stage's transformers).
 */
export function stageClaim(rc: ResolvedClaim, stageRoot: string, cacheDir: string, extras: StageExtras = {}): string {
  if (!rc.helm && !extras.transformers) throw new Error(`claim ${rc.claim.name}: a Kustomize-only claim is staged with its finishing transformers`);
  return writeStagedClaim(stageRoot, {
    claim: rc.claim.name, stack: rc.stack, presetPath: rc.preset.path, finish: finishContext(rc, extras),
    ...(rc.preset.commit ? { presetCommit: rc.preset.commit } : {}), cacheDir: resolve(cacheDir), stageKey: stageKey(rc, extras),
  }, (dir) => writeStageFiles(rc, dir, !!rc.helm, extras));
}
