// The offline executor: render(claim) = guard(overlay(kustomize(stage(preset, values, helm(chart))))).
// The stage + kustomize step is the contract of a Helm post-renderer: Pulumi's helm.v4.Chart runs it as
// `ocdp post-render --stage` (./stagedClaim.ts); both share its cache entries (./cache.ts postRenderKey).
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { finishObjects } from "../steps/finish";
import type { GuardContext } from "../steps/guards";
import { postRenderKey, type RenderCache, renderKey, stageKey } from "./cache";
import { chartSource, helmTemplate } from "./helm";
import { kustomizeBuild } from "./kustomize";
import { presetStep } from "../steps/preset";
import { dumpObjects, type KObject, parseObjects } from "../steps/objects";
import { type Staged, stage } from "../steps/stage";

export interface RenderContext {
  projectRoot: string;
  cacheDir: string;
  /** Content-addressed cache of final objects; absent = always render. */
  renderCache?: RenderCache;
}

export interface RenderedClaim {
  claim: ResolvedClaim;
  objects: KObject[];
  cached?: boolean;
}

function where(rc: ResolvedClaim) {
  return { stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.preset" };
}

/** `kustomize build` of one claim's stage, its failure named after the claim. */
export async function buildStage(rc: ResolvedClaim, dir: string, ctx: RenderContext): Promise<KObject[]> {
  try {
    return parseObjects(await kustomizeBuild(dir, ctx.projectRoot));
  } catch (e) {
    throw new RenderError(where(rc), "kustomize build", (e as Error).message);
  }
}

/** What kustomize gave for a claim -> the preset's objects (steps/preset): never empty. */
export function presetObjects(rc: ResolvedClaim, objects: KObject[]): KObject[] {
  // An empty render would let Helm/Pulumi plan the deletion of every object of the claim.
  if (objects.length === 0) throw new RenderError(where(rc), "kustomize build", "produced no objects");
  return presetStep(rc, objects);
}


export function guardContext(rc: ResolvedClaim): GuardContext {
  return { claim: rc.claim.name, template: rc.template.id, workspaceId: rc.claim.workspaceId, namespace: rc.namespace, clusterScopedKinds: rc.clusterScopedKinds };
}

/** String inputs, overlay, then guards over every object (steps/finish); all violations of the claim reported together. */
export function finish(rc: ResolvedClaim, objects: KObject[]): KObject[] {
  const r = finishObjects(objects, { overlay: rc.overlay, guard: guardContext(rc), inputs: rc.inputs });
  if (r.violations.length) throw new RenderError({ ...where(rc), field: "objects" }, "guards", r.violations.join("; "));
  return r.objects;
}

/**
 * A claim ready for kustomize: its cache keys, and either its final objects (render cache), its preset's
 * objects (a post-render entry, maybe written by the provider's post-renderer) or a stage to build.
 */
export interface Prepared {
  rc: ResolvedClaim;
  key?: string;
  postKey?: string;
  cached?: KObject[];
  preset?: KObject[];
  stage?: Staged;
}

/** A post-render entry's objects; one that does not parse (damaged by hand) is a miss. */
function parsedEntry(text: string | undefined): KObject[] | undefined {
  if (text === undefined) return undefined;
  try {
    const objects = parseObjects(text);
    return objects.length ? objects : undefined;
  } catch {
    return undefined;
  }
}

/** Chart, cache look-ups, `helm template` and the stage: everything before kustomize. */
export async function prepareClaim(rc: ResolvedClaim, ctx: RenderContext): Promise<Prepared> {
  let chart;
  try {
    chart = rc.helm ? await chartSource(rc, ctx) : undefined;
  } catch (e) {
    throw new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.chart" }, "helm pull", (e as Error).message);
  }
  const cache = ctx.renderCache;
  const key = cache ? renderKey(rc, chart?.digest) : undefined;
  const cached = key ? cache!.get(key) : undefined;
  if (cached) return { rc, key, cached };
  const rendered = rc.helm ? await helmTemplate(rc, ctx, chart) : undefined;
  // The post-render step's own entry, shared with `ocdp post-render --stage` (same key from the same inputs).
  const postKey = cache && rendered !== undefined ? postRenderKey(stageKey(rc), rendered) : undefined;
  const preset = postKey ? parsedEntry(cache!.getText(postKey)) : undefined;
  if (preset) return { rc, key, postKey, preset };
  return { rc, key, postKey, stage: stage(rc, rendered) };
}

/** The preset's objects of a prepared claim -> its final objects; every step's result cached. */
export function finishClaim(p: Prepared, preset: KObject[], ctx: RenderContext): RenderedClaim {
  if (p.postKey && !p.preset) ctx.renderCache!.putText(p.postKey, dumpObjects(preset));
  const objects = finish(p.rc, preset);
  if (p.key) ctx.renderCache!.put(p.key, objects);
  return { claim: p.rc, objects };
}

/** kustomize's objects for a staged claim -> its final objects, cached. */
export function completeClaim(p: Prepared, built: KObject[], ctx: RenderContext): RenderedClaim {
  return finishClaim(p, presetObjects(p.rc, built), ctx);
}

export async function renderClaim(rc: ResolvedClaim, ctx: RenderContext): Promise<RenderedClaim> {
  const p = await prepareClaim(rc, ctx);
  if (p.cached) return { claim: rc, objects: p.cached, cached: true };
  if (p.preset) return finishClaim(p, p.preset, ctx);
  try {
    return completeClaim(p, await buildStage(rc, p.stage!.dir, ctx), ctx);
  } finally {
    p.stage!.cleanup();
  }
}
