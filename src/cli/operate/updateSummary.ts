// What `pulumi up` did, from the engine's own record of the update (`pulumi stack history --json`), not
// from its human output: a summary that cannot be read is an error, never "nothing changed".
import type { PulumiProject } from "./pulumiProject";
import { pulumiCli } from "./pulumiProject";

/** The engine's operation names, as the history counts them, and how a user reads them. */
const WORDS: [string, string][] = [["create", "created"], ["update", "updated"], ["replace", "replaced"], ["delete", "deleted"],
  ["create-replacement", "created as replacements"], ["delete-replaced", "deleted after replacement"], ["import", "imported"],
  ["read", "read"], ["refresh", "refreshed"], ["discard", "discarded"]];

/** `applied (2 created, 1 updated, 40 unchanged)` or `nothing changed (42 unchanged)`, from the engine's counts. */
export function describeChanges(changes: Record<string, number>): string {
  const unknown = Object.keys(changes).filter((k) => k !== "same" && !WORDS.some(([op]) => op === k));
  const parts = [...WORDS.filter(([op]) => changes[op]).map(([op, word]) => `${changes[op]} ${word}`), ...unknown.filter((k) => changes[k]).map((k) => `${changes[k]} ${k}`)];
  const same = changes.same ? `${changes.same} unchanged` : "";
  return parts.length ? `applied (${[...parts, same].filter(Boolean).join(", ")})` : `nothing changed${same ? ` (${same})` : ""}`;
}

interface HistoryEntry { kind?: string; result?: string; startTime?: string; resourceChanges?: Record<string, number> }

/** The counts of the update that started at or after `since` (the history has second resolution). */
export function changesOf(history: unknown, since: Date): Record<string, number> {
  if (!Array.isArray(history) || !history.length) throw new Error("the stack's history is empty");
  const last = history[0] as HistoryEntry;
  const started = Date.parse(last.startTime ?? "");
  if (last.kind !== "update" || !(started >= Math.floor(since.getTime() / 1000) * 1000)) {
    throw new Error(`the newest entry of the stack's history is not this update (${last.kind ?? "?"} started ${last.startTime ?? "?"})`);
  }
  const c = last.resourceChanges;
  if (!c || typeof c !== "object" || Object.values(c).some((n) => typeof n !== "number")) throw new Error("the update's resourceChanges are missing");
  return c;
}

export async function lastUpdateChanges(p: PulumiProject, stack: string, since: Date): Promise<Record<string, number>> {
  const r = await pulumiCli(p, ["stack", "history", "--json", "--page-size", "1", "--stack", stack, "--non-interactive"]);
  if (r.exitCode !== 0) throw new Error(`pulumi stack history failed: ${String(r.stderr).trim().split("\n")[0]}`);
  let parsed: unknown;
  try { parsed = JSON.parse(String(r.stdout)); } catch { throw new Error("pulumi stack history printed no JSON"); }
  return changesOf(parsed, since);
}
