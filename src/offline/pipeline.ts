// The offline executor: render(claim) = finish(kustomize(stage(preset, values, helm(chart)))), finish being
// string inputs, depends-on, overlay, guard and apply annotations (steps/finish afterKustomize).
// Everything after Helm is the contract of a Helm post-renderer: Pulumi's helm.v4.Chart runs it as
// `ocdp post-render --stage` (./stagedClaim.ts); both share its cache entries (./cache.ts postRenderKey).
import type { SourceAccess } from "../catalog/sources/access";
import type { ResolvedClaim } from "../catalog/resolve";
import { isAbsolute, join } from "node:path";
import { RenderError } from "../config/errors";
import type { UserInput } from "../catalog/userInputs";
import { afterKustomize, type FinishContext } from "../steps/finish";
import { finishTransformers } from "../steps/finishPatches";
import type { GuardContext } from "../steps/guards";
import { postRenderKey, type RenderCache, renderKey, stageKey } from "./cache";
import { chartCrdFiles, chartMayGenerate } from "../catalog/sources/chartContents";
import { missingReferences } from "../steps/references";
import { treeHash } from "../catalog/sources/treeHash";
import { buildStage as build, chartOutput } from "./chartOutput";
import { chartSource } from "./helm";
import { dumpObjects, type KObject, parseObjects } from "../steps/objects";
import { type StageExtras, type Staged, stage } from "../steps/stage";

export interface RenderContext {
  projectRoot: string;
  cacheDir: string;
  /** The stack's logins to private sources (ocdp:sourceCredentials); none: every source is public. */
  sources?: SourceAccess;
  /** Content-addressed cache of final objects; absent = always render. */
  renderCache?: RenderCache;
}

export interface RenderedClaim {
  claim: ResolvedClaim;
  objects: KObject[];
  cached?: boolean;
  /** What its staged claim carries besides the claim's inputs: kept hooks, generated values, a Kustomize-only claim's finishing. */
  stage?: StageExtras;
}

function where(rc: ResolvedClaim) {
  return { stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.preset" };
}

/** `kustomize build` of one claim's stage, its failure named after the claim. */
export function buildStage(rc: ResolvedClaim, dir: string, ctx: RenderContext): Promise<KObject[]> {
  return build(rc, dir, ctx.projectRoot);
}

export function guardContext(rc: ResolvedClaim): GuardContext {
  return { claim: rc.claim.name, template: rc.template.id, workspaceId: rc.claim.workspaceId, namespace: rc.namespace, clusterScopedKinds: rc.clusterScopedKinds };
}

/** Everything the steps after kustomize need of a claim: what a staged claim's manifest carries too. */
export function finishContext(rc: ResolvedClaim, extras?: StageExtras): FinishContext & { namespace: string; inputs: UserInput[] } {
  return {
    namespace: rc.namespace, inputs: rc.inputs, overlay: rc.overlay, guard: guardContext(rc), apply: rc.apply,
    ...(extras?.generated?.length ? { generated: extras.generated } : {}),
    ...(rc.claim.state === "stopped" ? { stopped: true } : {}),
  };
}

/**
 * kustomize's objects for a claim -> its final objects (steps/finish afterKustomize); all violations of
 * the claim reported together. Never empty: an empty render would let Helm/Pulumi plan the deletion of
 * every object of the claim.
 */
export function finish(rc: ResolvedClaim, built: KObject[], extras?: StageExtras): KObject[] {
  if (built.length === 0) throw new RenderError(where(rc), "kustomize build", "produced no objects");
  let r;
  try {
    r = afterKustomize(finishContext(rc, extras), built);
  } catch (e) {
    throw new RenderError({ ...where(rc), field: "source.chart" }, "keeping generated values", (e as Error).message);
  }
  if (r.violations.length) throw new RenderError({ ...where(rc), field: "objects" }, "guards", r.violations.join("; "));
  // What a real kubelet would wait for forever, checked here: the local cluster cannot see it.
  const missing = missingReferences(r.objects, rc.namespace);
  if (missing.length) throw new RenderError({ ...where(rc), field: "objects" }, "checking what its pods need", missing.join("; "));
  return r.objects;
}

/**
 * A claim ready for kustomize: its cache keys, and either its final objects (render cache, or a
 * post-render entry, maybe written by the provider's post-renderer) or a stage to build.
 */
export interface Prepared {
  rc: ResolvedClaim;
  key?: string;
  postKey?: string;
  cached?: KObject[];
  extras?: StageExtras;
  /** Final objects from a post-render entry (the render cache did not have them). */
  final?: KObject[];
  /** kustomize's objects, when the chart's generated values were found by building it. */
  built?: KObject[];
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
  // A chart with CRDs: helm template leaves crds/ out and Chart v4 installs it, and a claim never owns a
  // cluster-scoped object. Refused here, before any render, in both executors alike.
  const chartPath = chart ? (isAbsolute(chart.path) ? chart.path : join(ctx.projectRoot, chart.path)) : undefined;
  const crds = chartPath ? chartCrdFiles(chartPath) : [];
  if (crds.length) {
    throw new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.chart" }, "checking the chart",
      `chart ${rc.template.source.chart} carries CustomResourceDefinitions in crds/ (${crds.slice(0, 3).join(", ")}${crds.length > 3 ? `, and ${crds.length - 3} more` : ""}): a claim never owns cluster-scoped objects; an admin installs the CRDs once per cluster, and the template uses a chart without crds/ (docs/design.md)`);
  }
  const cache = ctx.renderCache;
  let key: string | undefined;
  try {
    // Always walked (memoised), cache or not: a symlink out of the preset tree is refused either way.
    if (!rc.preset.commit) treeHash(rc.preset.root);
    key = cache ? renderKey(rc, chart?.digest) : undefined;
  } catch (e) {
    throw new RenderError(where(rc), "reading the preset tree", (e as Error).message);
  }
  const cached = key ? cache!.get(key) : undefined;
  // What the claim's stage carries comes with its objects; without it the claim renders again.
  const extras = cached ? cache!.getStage(key!) : undefined;
  if (cached && extras) return { rc, key, cached, extras };
  if (!rc.helm) return { rc, key, stage: stage(rc, undefined) };
  const out = await chartOutput(rc, ctx, chart, chartMayGenerate(chartPath!));
  // The post-render step's own entry, shared with `ocdp post-render --stage` (same key from the same inputs).
  const postKey = cache ? postRenderKey(stageKey(rc, out.extras), out.manifest) : undefined;
  const final = postKey ? parsedEntry(cache!.getText(postKey)) : undefined;
  if (final) return { rc, key, postKey, extras: out.extras, final };
  if (out.built) return { rc, key, postKey, extras: out.extras, built: out.built };
  return { rc, key, postKey, extras: out.extras, stage: stage(rc, out.manifest, out.extras) };
}

/** A claim the render cache had whole (its objects, and what its stage carries). */
export function cachedClaim(p: Prepared): RenderedClaim {
  return { claim: p.rc, objects: p.cached!, cached: true, stage: p.extras };
}

/** A prepared claim's final objects, cached under both keys (the post-render entry is what the post-renderer prints). */
export function finishClaim(p: Prepared, objects: KObject[], ctx: RenderContext): RenderedClaim {
  const extras = p.extras ?? {};
  if (p.postKey && !p.final) ctx.renderCache!.putText(p.postKey, dumpObjects(objects));
  if (p.key) {
    ctx.renderCache!.put(p.key, objects);
    ctx.renderCache!.putStage(p.key, extras);
  }
  return { claim: p.rc, objects, stage: extras };
}

/**
 * kustomize's objects for a staged claim -> its final objects, cached; for a Kustomize-only claim also
 * what finishing changed, as its Directory stage's transformers.
 */
export function completeClaim(p: Prepared, built: KObject[], ctx: RenderContext): RenderedClaim {
  const raw = p.rc.helm ? undefined : structuredClone(built); // the steps change `built` in place
  const objects = finish(p.rc, built, p.extras);
  if (!raw) return finishClaim(p, objects, ctx);
  return finishClaim({ ...p, extras: { transformers: finishTransformers(raw, objects) } }, objects, ctx);
}

export async function renderClaim(rc: ResolvedClaim, ctx: RenderContext): Promise<RenderedClaim> {
  const p = await prepareClaim(rc, ctx);
  if (p.cached) return cachedClaim(p);
  if (p.final) return finishClaim(p, p.final, ctx);
  if (p.built) return completeClaim(p, p.built, ctx);
  try {
    return completeClaim(p, await buildStage(rc, p.stage!.dir, ctx), ctx);
  } finally {
    p.stage!.cleanup();
  }
}
