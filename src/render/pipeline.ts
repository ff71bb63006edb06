// The offline executor: render(claim) = guard(overlay(kustomize(stage(preset, values, helm(chart))))).
// `postRender` is the stage + kustomize step alone: the contract of a Helm post-renderer, used both by
// `ocdp post-render` (and so by Pulumi's helm.v4.Chart) and by `renderClaim`.
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { type GuardContext, GuardViolation, guard } from "./guards";
import { type RenderCache, renderKey } from "./cache";
import { chartSource, helmTemplate } from "./helm";
import { kustomizeBuild } from "./kustomize";
import { restoreStringInputs } from "./stringInputs";
import { type KObject, parseObjects } from "./objects";
import { applyOverlay } from "./overlay";
import { type Staged, stage } from "./stage";

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

/** Helm output (or nothing, for Kustomize-only templates) -> the preset's objects. Never empty. */
export async function postRender(rc: ResolvedClaim, rendered: string | undefined, ctx: RenderContext): Promise<KObject[]> {
  const s = stage(rc, rendered);
  try {
    return presetObjects(rc, await buildStage(rc, s.dir, ctx));
  } finally {
    s.cleanup(); // the stage can hold rendered Secrets
  }
}

/** `kustomize build` of one claim's stage, its failure named after the claim. */
export async function buildStage(rc: ResolvedClaim, dir: string, ctx: RenderContext): Promise<KObject[]> {
  try {
    return parseObjects(await kustomizeBuild(dir, ctx.projectRoot));
  } catch (e) {
    throw new RenderError(where(rc), "kustomize build", (e as Error).message);
  }
}

/** What kustomize gave for a claim -> the preset's objects: never empty, string inputs typed back. */
export function presetObjects(rc: ResolvedClaim, objects: KObject[]): KObject[] {
  // An empty render would let Helm/Pulumi plan the deletion of every object of the claim.
  if (objects.length === 0) throw new RenderError(where(rc), "kustomize build", "produced no objects");
  return restoreStringInputs(rc, objects);
}

export { restoreStringInputs, restoreStringInputsIn } from "./stringInputs";

export function guardContext(rc: ResolvedClaim): GuardContext {
  return { claim: rc.claim.name, template: rc.template.id, workspaceId: rc.claim.workspaceId, namespace: rc.namespace, clusterScopedKinds: rc.clusterScopedKinds };
}

/** Overlay then guards over every object; all violations of the claim reported together. */
export function finish(rc: ResolvedClaim, objects: KObject[]): KObject[] {
  const ctx = guardContext(rc);
  const violations: string[] = [];
  const out: KObject[] = [];
  for (const o of objects) {
    try {
      out.push(guard(applyOverlay(o, rc.overlay), ctx) as KObject);
    } catch (e) {
      if (!(e instanceof GuardViolation)) throw e;
      violations.push(e.message);
    }
  }
  if (violations.length) throw new RenderError({ ...where(rc), field: "objects" }, "guards", violations.join("; "));
  return out;
}

/** A claim ready for kustomize: its cache key, and either the cached objects or a stage to build. */
export interface Prepared {
  rc: ResolvedClaim;
  key?: string;
  cached?: KObject[];
  stage?: Staged;
}

/** Chart, cache look-up, `helm template` and the stage: everything before kustomize. */
export async function prepareClaim(rc: ResolvedClaim, ctx: RenderContext): Promise<Prepared> {
  let chart;
  try {
    chart = rc.helm ? await chartSource(rc, ctx) : undefined;
  } catch (e) {
    throw new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.chart" }, "helm pull", (e as Error).message);
  }
  const key = ctx.renderCache ? renderKey(rc, chart?.digest) : undefined;
  const cached = key ? ctx.renderCache!.get(key) : undefined;
  if (cached) return { rc, key, cached };
  const rendered = rc.helm ? await helmTemplate(rc, ctx, chart) : undefined;
  return { rc, key, stage: stage(rc, rendered) };
}

/** kustomize's objects for a prepared claim -> its final objects, cached. */
export function completeClaim(p: Prepared, built: KObject[], ctx: RenderContext): RenderedClaim {
  const objects = finish(p.rc, presetObjects(p.rc, built));
  if (p.key) ctx.renderCache!.put(p.key, objects);
  return { claim: p.rc, objects };
}

export async function renderClaim(rc: ResolvedClaim, ctx: RenderContext): Promise<RenderedClaim> {
  const p = await prepareClaim(rc, ctx);
  if (p.cached) return { claim: rc, objects: p.cached, cached: true };
  try {
    return completeClaim(p, await buildStage(rc, p.stage!.dir, ctx), ctx);
  } finally {
    p.stage!.cleanup();
  }
}
