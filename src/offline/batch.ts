// Many staged claims, one `kustomize build`: a throwaway kustomization lists the claims' stage folders
// as resources, and the output is split back by the label every stage puts on its objects. Each stage
// is built as its own subtree (its preset, replacements and prefixes stay its own), so a claim's objects
// are what a build of its stage alone gives; the e2e test holds `pulumi up` (one stage per post-render)
// to the batched `ocdp render`. A failed batch is retried claim by claim, so an error names its claim.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import yaml from "js-yaml";
import { kustomizeBuild } from "./kustomize";
import { type KObject, parseObjects } from "../steps/objects";
import { STAGE_LABEL } from "../steps/stage";

export interface StagedClaim {
  claim: string;
  dir: string;
}

/** Objects per claim from one kustomize run over every stage; throws when the build fails. */
export async function kustomizeBatch(stages: StagedClaim[], projectRoot?: string): Promise<Map<string, KObject[]>> {
  const parent = mkdtempSync(join(tmpdir(), "ocdp-batch-"));
  try {
    writeFileSync(join(parent, "kustomization.yaml"), yaml.dump({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: stages.map((s) => relative(parent, s.dir)),
    }));
    const byClaim = new Map<string, KObject[]>(stages.map((s) => [s.claim, []]));
    for (const o of parseObjects(await kustomizeBuild(parent, projectRoot))) {
      const list = byClaim.get(o.metadata?.labels?.[STAGE_LABEL] ?? "");
      if (!list) throw new Error(`${o.kind}/${o.metadata?.name}: no ${STAGE_LABEL} label of this batch`);
      list.push(o);
    }
    return byClaim;
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

/** Batches of at most `max` that still give every worker of the pool one. */
export function batches<T>(items: T[], workers: number, max = 40): T[][] {
  const size = Math.max(1, Math.min(max, Math.ceil(items.length / Math.max(1, workers))));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
