// How long a claim with GPUs may run: `ocdp:policy.workspaces.<ws>.maxRunning`, else
// `ocdp:policy.maxRunning`. A running claim with GPUs carries `started` and `expires`, at most that long
// apart. Renders never read the clock (they stay reproducible): the rule is checked on the two dates
// the claim carries; time passing acts through an edit of the stack file (`ocdp claim stop --expired`),
// reviewed and applied like any other.
import type { Issue } from "../config/errors";
import type { Claim, Policy } from "../config/types";

const HOUR = 3_600_000;

/** `7d` / `12h` -> milliseconds. */
export function durationMs(d: string): number {
  const m = /^([1-9][0-9]*)(h|d)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${d}`);
  return Number(m[1]) * (m[2] === "d" ? 24 : 1) * HOUR;
}

/** An RFC 3339 time, or a date: the end of that day, UTC. */
export function timeMs(t: string): number {
  return /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) + 24 * HOUR : Date.parse(t);
}

/** `2026-12-13T09:00:00Z`: the form ocdp writes. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");

/** Days and hours: `3d 2h`, `5h`, `0h`. */
export function span(ms: number): string {
  const h = Math.round(ms / HOUR);
  return h >= 24 ? `${Math.floor(h / 24)}d${h % 24 ? ` ${h % 24}h` : ""}` : `${h}h`;
}

/** The lifetime rule for a workspace, and where it is set; undefined: none. */
export function maxRunningFor(policy: Policy, workspace: string): { max: string; field: string } | undefined {
  const own = policy.workspaces?.[workspace]?.maxRunning;
  if (own) return { max: own, field: `ocdp:policy.workspaces.${workspace}.maxRunning` };
  return policy.maxRunning ? { max: policy.maxRunning, field: "ocdp:policy.maxRunning" } : undefined;
}

/** The latest `expires` a claim started at `started` may carry in this workspace (ms), or undefined. */
export function latestExpiry(policy: Policy, workspace: string, started: number): number | undefined {
  const rule = maxRunningFor(policy, workspace);
  return rule ? started + durationMs(rule.max) : undefined;
}

/** What is wrong with a running claim's lifetime, given the GPUs its render takes (none: no rule). */
export function lifetimeIssues(stack: string, claim: Claim, gpus: number, policy: Policy): Issue[] {
  const rule = maxRunningFor(policy, claim.workspaceId);
  if (!rule || gpus <= 0 || claim.state === "stopped") return [];
  const where = { stack, claim: claim.name };
  const how = "`ocdp claim start` sets both; `ocdp claim set --expires <time>` moves expires";
  const need = `a running claim with GPUs (${gpus}) in workspace ${claim.workspaceId} runs at most ${rule.max} (${rule.field})`;
  const out: Issue[] = [];
  if (!claim.started) out.push({ ...where, field: "started", rule: `required: ${need}, from started to expires; ${how}` });
  if (!claim.expires) out.push({ ...where, field: "expires", rule: `required: ${need}; ${how}` });
  if (out.length) return out;
  const [s, e] = [timeMs(claim.started!), timeMs(claim.expires!)];
  const last = s + durationMs(rule.max);
  if (e <= s) out.push({ ...where, field: "expires", rule: `${iso(e)} is not after started ${iso(s)}` });
  else if (e > last) {
    out.push({ ...where, field: "expires", rule: `${iso(e)} is ${span(e - last)} beyond ${need}: at most ${iso(last)} (started ${iso(s)}); an admin may move started or the rule` });
  }
  return out;
}

/** Whether a running claim with GPUs is past its `expires` at `at` (ms). */
export function isExpired(claim: Claim, gpus: number, at: number): boolean {
  return claim.state !== "stopped" && gpus > 0 && !!claim.expires && timeMs(claim.expires) <= at;
}
