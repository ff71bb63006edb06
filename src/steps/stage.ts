// Staging: a fresh folder per render holding the Helm output (`rendered.yaml`), the claim's values as a
// local-config object (`values.yaml`) that the preset's replacements read, and a kustomization that
// applies the preset (a kustomize Component) to them. Presets are never written to, so concurrent
// renders of the same preset cannot collide.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import yaml from "js-yaml";
import type { ResolvedClaim } from "../catalog/resolve";
import type { GeneratedLeaf } from "./generated";
import { LABEL_CLAIM } from "./guards";

/** What a claim's render adds to its stage besides the claim's own inputs. */
export interface StageExtras {
  /** A Helm chart's hooks that the hook policy keeps (./hooks.ts), generated values in placeholders: `hooks.yaml`. */
  hooks?: string;
  /** Where a Helm claim's kustomize output holds generated values (./generated.ts). */
  generated?: GeneratedLeaf[];
  /** A Kustomize-only claim's finishing, as its Directory stage's transformers (./finishPatches.ts). */
  transformers?: string[];
}

/**
 * On every object of a stage (metadata only): which claim an object of a shared kustomize run belongs
 * to. The very label the guard puts on every object, so the final objects are the same either way.
 */
export const STAGE_LABEL = LABEL_CLAIM;

export const VALUES_KIND = { apiVersion: "ocdp.io/v1alpha1", kind: "Values", name: "values" } as const;

/** The object replacements read: `spec` holds the values, `claim` who it is for. */
export function valuesObject(rc: ResolvedClaim): object {
  return {
    apiVersion: VALUES_KIND.apiVersion,
    kind: VALUES_KIND.kind,
    metadata: { name: VALUES_KIND.name, annotations: { "config.kubernetes.io/local-config": "true" } },
    claim: { name: rc.claim.name, namespace: rc.namespace, workspaceId: rc.claim.workspaceId, template: rc.template.id },
    spec: rc.values,
  };
}

/**
 * `transformers`: a Kustomize-only claim's finishing (steps/finishPatches), when the stage is for the
 * provider's Directory v2 (Pulumi): the provider's own kustomize run then gives the final objects (a Helm
 * claim's post-renderer finishes them itself).
 */
export function stagedKustomization(rc: ResolvedClaim, stageDir: string, hasRendered: boolean, extras: StageExtras = {}): object {
  const labels: object[] = [{ pairs: { [STAGE_LABEL]: rc.claim.name } }];
  const k: Record<string, unknown> = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: [...(hasRendered ? ["rendered.yaml"] : []), ...(extras.hooks ? ["hooks.yaml"] : []), "values.yaml"],
    components: [relative(stageDir, rc.preset.dir) || "."],
    // The values have been read by the preset's replacements once its component has run. Dropping them
    // here (not only at the end of the build) lets many stages share one kustomize run (./batch.ts).
    patches: [{ patch: yaml.dump({ $patch: "delete", apiVersion: VALUES_KIND.apiVersion, kind: VALUES_KIND.kind, metadata: { name: VALUES_KIND.name } }) }],
    labels,
  };
  if (!hasRendered) {
    // Git bases carry fixed names and labels; per-claim names and selectors keep two claims apart.
    k.namePrefix = `${rc.claim.name}-`;
    labels.push({ pairs: { "app.kubernetes.io/instance": rc.claim.name }, includeSelectors: true });
  }
  if (extras.transformers?.length) k.transformers = extras.transformers;
  return k;
}

export interface Staged {
  dir: string;
  cleanup(): void;
}

/** Writes the stage files into `dir` (an empty folder); `rendered` is the Helm output (its hooks split off), absent for Kustomize-only templates. */
export function writeStage(rc: ResolvedClaim, dir: string, rendered?: string, extras: StageExtras = {}): void {
  if (rendered !== undefined) writeFileSync(join(dir, "rendered.yaml"), rendered, { mode: 0o600 });
  writeStageFiles(rc, dir, rendered !== undefined, extras);
}

/**
 * values.yaml, hooks.yaml (kept hooks) and kustomization.yaml; `hasRendered`: the kustomization lists a
 * rendered.yaml (put there later).
 */
export function writeStageFiles(rc: ResolvedClaim, dir: string, hasRendered: boolean, extras: StageExtras = {}): void {
  writeFileSync(join(dir, "values.yaml"), yaml.dump(valuesObject(rc), { noRefs: true }));
  if (extras.hooks) writeFileSync(join(dir, "hooks.yaml"), extras.hooks, { mode: 0o600 });
  writeFileSync(join(dir, "kustomization.yaml"), yaml.dump(stagedKustomization(rc, dir, hasRendered, extras), { noRefs: true }));
}

/** A fresh temporary stage, removed by `cleanup`. */
export function stage(rc: ResolvedClaim, rendered: string | undefined, extras: StageExtras = {}, parent = tmpdir()): Staged {
  const dir = mkdtempSync(join(parent, "ocdp-stage-"));
  writeStage(rc, dir, rendered, extras);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
