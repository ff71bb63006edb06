// A Helm claim's chart output, as both executors must see it: `helm template` run twice (once for a
// chart that names no generating function), its hooks put
// through the hook policy (steps/hooks.ts: kept ones become hooks.yaml of the stage, as Chart v4 gives
// its post-renderer no hook), and whatever the two runs render differently found and made stable
// (steps/generated.ts): in the kept hooks here, in the manifest where kustomize leaves it (the list
// travels to the post-renderer in the stage, which applies it to the provider's own Helm output).
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { applyGenerated, detectGenerated } from "../steps/generated";
import { type HookSplit, splitHooks } from "../steps/hooks";
import { dumpObjects, type KObject, parseObjects } from "../steps/objects";
import { type StageExtras, stage } from "../steps/stage";
import { type ChartSource, type HelmContext, helmTemplate } from "./helm";
import { kustomizeBuild } from "./kustomize";

export interface ChartOutput {
  /** Helm's output without hooks: the post-renderer's input in both executors. */
  manifest: string;
  extras: StageExtras;
  /** kustomize's objects of the manifest, when finding generated values built it already. */
  built?: KObject[];
}

function at(rc: ResolvedClaim, field: string) {
  return { stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field };
}

function split(rc: ResolvedClaim, text: string): HookSplit {
  let s: HookSplit;
  try {
    s = splitHooks(text);
  } catch (e) {
    throw new RenderError(at(rc, "source.chart"), "reading helm's output", (e as Error).message);
  }
  if (s.refused.length) throw new RenderError(at(rc, "source.chart"), "applying the hook policy", s.refused.join("; "));
  return s;
}

function stable(rc: ResolvedClaim, a: KObject[], b: KObject[]) {
  const found = detectGenerated(a, b);
  if (found.problems.length) throw new RenderError(at(rc, "source.chart"), "keeping generated values", found.problems.join("; "));
  return found.leaves;
}

/** `kustomize build` of one claim's stage, its failure named after the claim. */
export async function buildStage(rc: ResolvedClaim, dir: string, projectRoot?: string): Promise<KObject[]> {
  try {
    return parseObjects(await kustomizeBuild(dir, projectRoot));
  } catch (e) {
    throw new RenderError(at(rc, "source.preset"), "kustomize build", (e as Error).message);
  }
}

/** `mayGenerate`: whether the chart names a function that generates values (catalog/sources/chartContents). */
export async function chartOutput(rc: ResolvedClaim, ctx: HelmContext, chart: ChartSource | undefined, mayGenerate: boolean): Promise<ChartOutput> {
  // Two renders at once: what differs between them is what the chart generates at random.
  const renders = mayGenerate ? [helmTemplate(rc, ctx, chart), helmTemplate(rc, ctx, chart)] : [helmTemplate(rc, ctx, chart)];
  const [a, b = a] = (await Promise.all(renders)).map((t) => split(rc, t));
  const hookLeaves = stable(rc, a.kept, b.kept);
  const extras: StageExtras = a.kept.length ? { hooks: dumpObjects(applyGenerated(a.kept, hookLeaves)) } : {};
  if (a.manifest === b.manifest) return { manifest: a.manifest, extras };
  const [ka, kb] = await Promise.all([a.manifest, b.manifest].map(async (m) => {
    const s = stage(rc, m, extras);
    try {
      return await buildStage(rc, s.dir, ctx.projectRoot);
    } finally {
      s.cleanup();
    }
  }));
  return { manifest: a.manifest, extras: { ...extras, generated: stable(rc, structuredClone(ka), kb) }, built: ka };
}
