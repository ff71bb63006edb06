// Every claim is staged once, into a content-addressed folder `.ocdp/stage/<stack>/<claim>-<hash>`
// (offline/stagedClaim): the only hand-off to the provider. A Helm-backed claim's folder is what
// `ocdp post-render --stage` puts Helm's output beside; a Kustomize-only claim's folder is what
// Directory v2 builds, inside the provider, during preview and up (so it outlives this program run).
// An unchanged claim keeps its folder from run to run; a changed one gets a new one.
import { resolve } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import { writeStageFiles } from "../steps/stage";
import { stageKey } from "../offline/cache";
import { finishContext } from "../offline/pipeline";
import { writeStagedClaim } from "../offline/stagedClaim";

/** `transformers`: a Kustomize-only claim's finishing from the offline render, which its Directory stage carries. */
export function stageClaim(rc: ResolvedClaim, stageRoot: string, cacheDir: string, transformers?: string[]): string {
  if (!rc.helm && !transformers) throw new Error(`claim ${rc.claim.name}: a Kustomize-only claim is staged with its finishing transformers`);
  return writeStagedClaim(stageRoot, {
    claim: rc.claim.name, stack: rc.stack, presetPath: rc.preset.path, finish: finishContext(rc),
    ...(rc.preset.commit ? { presetCommit: rc.preset.commit } : {}), cacheDir: resolve(cacheDir), stageKey: stageKey(rc),
  }, (dir) => (rc.helm ? writeStageFiles(rc, dir, true) : writeStageFiles(rc, dir, false, transformers)));
}
