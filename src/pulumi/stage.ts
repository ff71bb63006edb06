// Kustomize-only claims are applied by Directory v2, which reads a folder inside the provider process
// during preview and up: the claim's stage must outlive this program run, at a path stable per claim.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import { writeStage, writeStageFiles } from "../steps/stage";
import { stageKey } from "../offline/cache";
import { writeStagedClaim } from "../offline/stagedClaim";

export function persistentStage(rc: ResolvedClaim, stageRoot: string): string {
  const dir = join(stageRoot, rc.stack, rc.claim.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeStage(rc, dir);
  return dir;
}

/** A Helm-backed claim's stage for `ocdp post-render --stage` (content-addressed; see offline/stagedClaim). */
export function helmStage(rc: ResolvedClaim, stageRoot: string, cacheDir: string): string {
  return writeStagedClaim(stageRoot, {
    claim: rc.claim.name, stack: rc.stack, inputs: rc.inputs, presetPath: rc.preset.path,
    ...(rc.preset.commit ? { presetCommit: rc.preset.commit } : {}), cacheDir, stageKey: stageKey(rc),
  }, (dir) => writeStageFiles(rc, dir, true));
}
