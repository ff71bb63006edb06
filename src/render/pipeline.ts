// The offline executor: render(claim) = guard(overlay(kustomize(stage(preset, values, helm(chart))))).
// `postRender` is the stage + kustomize step alone: the contract of a Helm post-renderer, used both by
// `ocdp post-render` (and so by Pulumi's helm.v4.Chart) and by `renderClaim`.
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { type GuardContext, GuardViolation, guard } from "./guards";
import { helmTemplate } from "./helm";
import { kustomizeBuild } from "./kustomize";
import { type KObject, parseObjects } from "./objects";
import { applyOverlay } from "./overlay";
import { stage } from "./stage";

export interface RenderContext {
  projectRoot: string;
  cacheDir: string;
}

export interface RenderedClaim {
  claim: ResolvedClaim;
  objects: KObject[];
}

function where(rc: ResolvedClaim) {
  return { stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.preset" };
}

/** Helm output (or nothing, for Kustomize-only templates) -> the preset's output. Never empty. */
export async function postRender(rc: ResolvedClaim, rendered: string | undefined, ctx: RenderContext): Promise<string> {
  const s = stage(rc, rendered);
  try {
    let out: string;
    try {
      out = await kustomizeBuild(s.dir, ctx.projectRoot);
    } catch (e) {
      throw new RenderError(where(rc), "kustomize build", (e as Error).message);
    }
    // An empty render would let Helm/Pulumi plan the deletion of every object of the claim.
    if (parseObjects(out).length === 0) throw new RenderError(where(rc), "kustomize build", "produced no objects");
    return out;
  } finally {
    s.cleanup(); // the stage can hold rendered Secrets
  }
}

export function guardContext(rc: ResolvedClaim): GuardContext {
  return { claim: rc.claim.name, template: rc.template.id, workspaceId: rc.claim.workspaceId, namespace: rc.namespace };
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

export async function renderClaim(rc: ResolvedClaim, ctx: RenderContext): Promise<RenderedClaim> {
  const rendered = rc.helm ? await helmTemplate(rc, ctx) : undefined;
  const out = await postRender(rc, rendered, ctx);
  return { claim: rc, objects: finish(rc, parseObjects(out)) };
}
