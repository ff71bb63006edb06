// Every claim is staged once, into a content-addressed folder `.ocdp/stage/<stack>/<claim>-<hash>`
// (offline/stagedClaim): the only hand-off to the provider. A Helm-backed claim's folder is what
// `ocdp post-render --stage` puts Helm's output beside; a Kustomize-only claim's folder is what
// Directory v2 builds, inside the provider, during preview and up (so it outlives this program run).
// An unchanged claim keeps its folder from run to run; a changed one gets a new one.
import { resolve } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import type { KObject } from "../steps/objects";
import { writeStageFiles } from "../steps/stage";
import { stageKey } from "../offline/cache";
import { writeStagedClaim } from "../offline/stagedClaim";

/** `objects`: the claim's final objects from the offline render (a Directory stage carries their depends-on). */
export function stageClaim(rc: ResolvedClaim, stageRoot: string, cacheDir: string, objects: KObject[]): string {
  return writeStagedClaim(stageRoot, {
    claim: rc.claim.name, stack: rc.stack, namespace: rc.namespace, inputs: rc.inputs, presetPath: rc.preset.path,
    ...(rc.preset.commit ? { presetCommit: rc.preset.commit } : {}), cacheDir: resolve(cacheDir), stageKey: stageKey(rc),
  }, (dir) => (rc.helm ? writeStageFiles(rc, dir, true) : writeStageFiles(rc, dir, false, objects)));
}
