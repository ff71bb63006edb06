// The one sequence of steps for a whole stack, shared by `ocdp render`, `ocdp usage` and the Pulumi
// program: resolve and validate every claim, render them, then weigh the result against the budgets and
// each claim with GPUs against its workspace's lifetime rule.
import { resolveStack } from "../catalog/resolve";
import type { RenderError } from "../config/errors";
import type { StackConfig } from "../config/types";
import { lifetimeIssues } from "../steps/lifetime";
import { type Assessment, assess } from "../steps/usage/assess";
import type { RenderContext, RenderedClaim } from "./pipeline";
import { renderClaims } from "./stack";

export interface StackPlan extends Assessment {
  rendered: RenderedClaim[];
  failures: RenderError[];
}

export interface PlanOptions {
  /** Only these claims (no budget check: a budget is about the whole stack). */
  only?: string[];
  progress?: (done: number, total: number) => void;
}

/** Throws ValidationError when a claim is invalid; render failures and broken budgets are returned. */
export async function planStack(config: StackConfig, ctx: RenderContext, opts: PlanOptions = {}): Promise<StackPlan> {
  const claims = await resolveStack(config, ctx, opts.only);
  const { rendered, failures } = await renderClaims(claims, ctx, undefined, opts.progress);
  const a = assess(config, rendered.map((r) => ({ claim: r.claim.claim.name, workspace: r.claim.claim.workspaceId, objects: r.objects })));
  // Lifetimes are each claim's own: checked with --claim too (budgets are about the whole stack).
  const gpus = new Map(a.usages.map((u) => [u.claim, u.amounts["nvidia.com/gpu"]]));
  const lifetimes = rendered.flatMap((r) => lifetimeIssues(config.stack, r.claim.claim, gpus.get(r.claim.claim.name) ?? 0, config.policy));
  return { rendered, failures, ...a, issues: [...(opts.only ? [] : a.issues), ...lifetimes] };
}
