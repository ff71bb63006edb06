// Renders every resolved claim of a stack with a bounded pool; failures are collected, not thrown one by one.
import { availableParallelism } from "node:os";
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { type RenderContext, type RenderedClaim, renderClaim } from "./pipeline";

export interface StackRender {
  rendered: RenderedClaim[];
  failures: Error[];
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

export async function renderClaims(claims: ResolvedClaim[], ctx: RenderContext, parallel = availableParallelism() * 2,
  progress?: (done: number, total: number) => void): Promise<StackRender> {
  let done = 0;
  const results = await mapPool(claims, parallel, async (rc) => {
    try {
      return await renderClaim(rc, ctx);
    } catch (e) {
      if (e instanceof RenderError) return e;
      return new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "" }, "render", (e as Error).message);
    } finally {
      progress?.(++done, claims.length);
    }
  });
  return {
    rendered: results.filter((r): r is RenderedClaim => !(r instanceof Error)),
    failures: results.filter((r): r is RenderError => r instanceof Error),
  };
}
