// The pull-request gate, pure: every change between two snapshots of a stack, each with a verdict for
// the actor. Claims may be changed by their owner (before and after), into workspaces the owner may use;
// everything else (templates, policy, access, cluster, credentials, presets, charts, code) needs an
// admin. Who is an admin, and who may use a workspace, comes from the base's directory: a pull request
// cannot grant itself what it asks for.
import type { Directory } from "../../config/directory";
import { formatIssue, type Issue } from "../../config/errors";
import { STACK_NAME } from "../../config/load";
import type { Policy } from "../../config/types";
import { durationMs, iso, maxRunningFor, timeMs } from "../../steps/lifetime";

export interface Verdict {
  /** `claim cs-alice`, `ocdp:policy`, `file presets/...`. */
  subject: string;
  change: "added" | "changed" | "removed" | "invalid";
  allowed: boolean;
  reason: string;
}

export interface GateInput {
  actor: string;
  /** The directory at base. */
  directory: Directory;
  /** The stack's `ocdp:*` values (project's + stack's) at base and head; undefined where the stack does not exist. */
  base?: Record<string, unknown>;
  head?: Record<string, unknown>;
  /** Files changed between the refs, other than stack files (the stack's own is judged key by key). */
  files: string[];
  /** What the shared validation (schema, directory) refuses at head: refused whoever asks. */
  invalid?: Issue[];
  /** What "now" is for a claim's `started` (ms; default: the clock). */
  now?: number;
}

type RawClaim = { name?: unknown; owner?: { user?: unknown }; workspaceId?: unknown; state?: unknown; started?: unknown; expires?: unknown };

/** How far a (re)started claim's `started` may be from the gate's clock: a pull request takes time to merge. */
const START_SLACK = 24 * 3_600_000;

/**
 * A non-admin owner's lifetime change, judged with the base's rule (an admin may do anything): `started`
 * is set only when the claim is added or started again, to about now; `expires` stays within the
 * workspace's maxRunning of `started`. Undefined: nothing to refuse.
 */
function lifetimeRefusal(b: RawClaim | undefined, h: RawClaim, basePolicy: Policy, now: number): string | undefined {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const [started, expires] = [str(h.started), str(h.expires)];
  if (started !== str(b?.started) && started !== undefined) {
    const restart = (!b || b.state === "stopped") && h.state !== "stopped";
    if (!restart || Math.abs(timeMs(started) - now) > START_SLACK) {
      return `started may be set only when the claim is added or started again, to about now (${iso(now)}): an admin may move it`;
    }
  }
  const rule = typeof h.workspaceId === "string" ? maxRunningFor(basePolicy, h.workspaceId) : undefined;
  if (rule && expires !== undefined && expires !== str(b?.expires) && started !== undefined && timeMs(expires) > timeMs(started) + durationMs(rule.max)) {
    return `expires ${expires} is beyond the ${rule.max} window from started ${started} (${rule.field}): an admin must approve`;
  }
  return undefined;
}

/** JSON with sorted keys: a reordered mapping is no change. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

const claimList = (values: Record<string, unknown> | undefined) => (Array.isArray(values?.claims) ? (values!.claims as RawClaim[]) : []);
const nameOf = (c: RawClaim, i: number) => (typeof c?.name === "string" ? c.name : `claims[${i}]`);

function claimsOf(values: Record<string, unknown> | undefined): Map<string, RawClaim> {
  return new Map(claimList(values).map((c, i) => [nameOf(c, i), c]));
}

/** Names given to more than one claim: one entry would hide the other from the verdicts. */
function duplicates(values: Record<string, unknown> | undefined): string[] {
  const names = claimList(values).map(nameOf);
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))].sort();
}

const ownerOf = (c: RawClaim) => (typeof c?.owner?.user === "string" ? c.owner.user : "(nobody)");

function fileReason(path: string): string {
  if (path.startsWith("stacks/") && !isStackFile(path)) return "not a well-formed stacks/Pulumi.<name>.yaml (name of letters, digits, _ . -): anything else under stacks/ needs an admin";
  if (path.startsWith("presets/")) return "presets need an admin";
  if (path.startsWith("charts/")) return "charts need an admin";
  if (path === "Pulumi.yaml") return "project config (templates, access) needs an admin";
  if (path.startsWith(".github/")) return "workflows need an admin";
  return "code and tooling need an admin";
}

/** A stack file each stack's own run judges key by key (`stackDir`: the project's stackConfigDir). */
export function isStackFile(path: string, stackDir = "stacks"): boolean {
  const m = /^(.*)\/Pulumi\.(.+)\.yaml$/.exec(path);
  return !!m && m[1] === stackDir && STACK_NAME.test(m[2]);
}

export function authorize(input: GateInput): Verdict[] {
  const { actor, directory: dir } = input;
  const admin = dir.isAdmin(actor);
  const needsAdmin = (what: string) => (admin ? `${actor} is an admin` : `${what}; ${actor} is not an admin`);
  const out: Verdict[] = [];

  // Claim names first: with two claims of one name, the one judged need not be the one applied.
  const dups = duplicates(input.head);
  for (const name of dups) out.push({ subject: `claim ${name}`, change: "invalid", allowed: false, reason: "more than one claim has this name at head: names must be unique before a change can be judged" });
  for (const i of input.invalid ?? []) {
    out.push({ subject: i.claim ? `claim ${i.claim}` : i.field.startsWith("ocdp:") ? i.field.split(".")[0] : "stack", change: "invalid", allowed: false, reason: `refused by validation at head: ${formatIssue(i)}` });
  }
  // (With duplicate names the claims are not judged one by one: the change is refused already.)
  const before = dups.length ? new Map<string, RawClaim>() : claimsOf(input.base);
  const after = dups.length ? new Map<string, RawClaim>() : claimsOf(input.head);
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(name);
    const h = after.get(name);
    if (b && h && canonical(b) === canonical(h)) continue;
    const change = !b ? "added" : !h ? "removed" : "changed";
    const subject = `claim ${name}`;
    if (admin) { out.push({ subject, change, allowed: true, reason: `${actor} is an admin` }); continue; }
    const owners = [...(b ? [ownerOf(b)] : []), ...(h ? [ownerOf(h)] : [])];
    const others = [...new Set(owners.filter((o) => o !== actor))];
    if (others.length) {
      const was = b && h && ownerOf(b) !== ownerOf(h) ? `owned by ${ownerOf(b)} before and ${ownerOf(h)} after` : `owned by ${others.join(", ")}`;
      out.push({ subject, change, allowed: false, reason: `${was}, not ${actor}` });
      continue;
    }
    const ws = h && typeof h.workspaceId === "string" ? h.workspaceId : undefined;
    if (h && (!ws || !dir.mayUseWorkspace(actor, ws))) {
      out.push({ subject, change, allowed: false, reason: `${actor} may not claim into workspace ${ws ?? "(none)"} (at base it admits ${ws ? dir.describeWorkspace(ws) : "nobody"})` });
      continue;
    }
    const late = h ? lifetimeRefusal(b, h, (input.base?.policy ?? {}) as Policy, input.now ?? Date.now()) : undefined;
    if (late) {
      out.push({ subject, change, allowed: false, reason: late });
      continue;
    }
    out.push({ subject, change, allowed: true, reason: `owned by ${actor}${h ? ` in workspace ${ws}, which admits them` : ""}` });
  }

  const keys = [...new Set([...Object.keys(input.base ?? {}), ...Object.keys(input.head ?? {})])].filter((k) => k !== "claims").sort();
  for (const k of keys) {
    const b = input.base?.[k];
    const h = input.head?.[k];
    if (canonical(b) === canonical(h)) continue;
    const change = b === undefined ? "added" : h === undefined ? "removed" : "changed";
    // Keys of other namespaces (an admin's ocdp:allowedConfigKeys) arrive whole: `kubernetes:context`.
    const key = k.includes(":") ? k : `ocdp:${k}`;
    out.push({ subject: key, change, allowed: admin, reason: needsAdmin(`${key} needs an admin`) });
  }

  for (const f of input.files) {
    // A name with a space, a newline or other odd characters is quoted: it cannot pass for another line.
    const name = /^[\x21-\x7e]+$/.test(f) ? f : JSON.stringify(f);
    out.push({ subject: `file ${name}`, change: "changed", allowed: admin, reason: needsAdmin(fileReason(f)) });
  }
  return out;
}
