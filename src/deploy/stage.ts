// Kustomize-only claims are applied by Directory v2, which reads a folder inside the provider process
// during preview and up: the claim's stage must outlive this program run, at a path stable per claim.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import type { ResolvedClaim } from "../catalog/resolve";
import { stagedKustomization, valuesObject } from "../render/stage";

export function persistentStage(rc: ResolvedClaim, stageRoot: string): string {
  const dir = join(stageRoot, rc.stack, rc.claim.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "values.yaml"), yaml.dump(valuesObject(rc), { noRefs: true }));
  writeFileSync(join(dir, "kustomization.yaml"), yaml.dump(stagedKustomization(rc, dir, false), { noRefs: true }));
  return dir;
}
