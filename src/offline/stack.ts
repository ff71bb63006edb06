// Renders every resolved claim of a stack: helm and staging in a bounded pool, then the staged claims
// through kustomize in batches (one process for many claims, ./batch.ts); failures are collected per
// claim, never thrown one by one.
import { availableParallelism } from "node:os";
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { batches, kustomizeBatch } from "./batch";
import type { KObject } from "../steps/objects";
import { buildStage, cachedClaim, completeClaim, finishClaim, type Prepared, prepareClaim, type RenderContext, type RenderedClaim } from "./pipeline";

export interface StackRender {
  rendered: RenderedClaim[];
  failures: RenderError[];
}

export async function mapPool<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  return out;
}

function asRenderError(rc: ResolvedClaim, e: unknown): RenderError {
  if (e instanceof RenderError) return e;
  return new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "" }, "render", (e as Error).message);
}

export async function renderClaims(claims: ResolvedClaim[], ctx: RenderContext, parallel = availableParallelism() * 2,
  progress?: (done: number, total: number) => void): Promise<StackRender> {
  let done = 0;
  const tick = () => progress?.(++done, claims.length);
  const results = new Map<ResolvedClaim, RenderedClaim | RenderError>();
  const settle = (rc: ResolvedClaim, r: RenderedClaim | RenderError) => { results.set(rc, r); tick(); };

  const staged: Prepared[] = [];
  await mapPool(claims, parallel, async (rc) => {
    try {
      const p = await prepareClaim(rc, ctx);
      if (p.cached) settle(rc, cachedClaim(p));
      else if (p.final) settle(rc, finishClaim(p, p.final, ctx));
      else if (p.built) settle(rc, completeClaim(p, p.built, ctx));
      else staged.push(p);
    } catch (e) {
      settle(rc, asRenderError(rc, e));
    }
  });

  /** `built`: the claim's share of a batch; absent: build its stage alone. */
  const one = async (p: Prepared, built?: KObject[]) => {
    try {
      settle(p.rc, completeClaim(p, built ?? await buildStage(p.rc, p.stage!.dir, ctx), ctx));
    } catch (e) {
      settle(p.rc, asRenderError(p.rc, e));
    }
  };
  try {
    await mapPool(batches(staged, parallel), parallel, async (batch) => {
      if (batch.length === 1) return one(batch[0]);
      let byClaim;
      try {
        byClaim = await kustomizeBatch(batch.map((p) => ({ claim: p.rc.claim.name, dir: p.stage!.dir })), ctx.projectRoot);
      } catch {
        // Which claim broke it: each on its own, so the error names its claim and the others still render.
        return void await mapPool(batch, 1, (p) => one(p));
      }
      for (const p of batch) await one(p, byClaim.get(p.rc.claim.name) ?? []);
    });
  } finally {
    for (const p of staged) p.stage!.cleanup(); // stages can hold rendered Secrets
  }

  const ordered = claims.map((rc) => results.get(rc)!);
  return {
    rendered: ordered.filter((r): r is RenderedClaim => !(r instanceof Error)),
    failures: ordered.filter((r): r is RenderError => r instanceof Error),
  };
}
