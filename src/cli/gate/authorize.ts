// The pull-request gate, pure: every change between two snapshots of a stack, each with a verdict for
// the actor. Claims may be changed by their owner (before and after), into workspaces the owner may use;
// everything else (templates, policy, access, cluster, credentials, presets, charts, code) needs an
// admin. Who is an admin, and who may use a workspace, comes from the base's directory: a pull request
// cannot grant itself what it asks for.
import type { Directory } from "../../catalog/directory";

export interface Verdict {
  /** `claim cs-alice`, `ocdp:policy`, `file presets/...`. */
  subject: string;
  change: "added" | "changed" | "removed";
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
}

type RawClaim = { name?: unknown; owner?: { user?: unknown }; workspaceId?: unknown };

/** JSON with sorted keys: a reordered mapping is no change. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function claimsOf(values: Record<string, unknown> | undefined): Map<string, RawClaim> {
  const list = Array.isArray(values?.claims) ? (values!.claims as RawClaim[]) : [];
  return new Map(list.map((c, i) => [typeof c?.name === "string" ? c.name : `claims[${i}]`, c]));
}

const ownerOf = (c: RawClaim) => (typeof c?.owner?.user === "string" ? c.owner.user : "(nobody)");

function fileReason(path: string): string {
  if (path.startsWith("presets/")) return "presets need an admin";
  if (path.startsWith("charts/")) return "charts need an admin";
  if (path === "Pulumi.yaml") return "project config (templates, access) needs an admin";
  if (path.startsWith(".github/")) return "workflows need an admin";
  return "code and tooling need an admin";
}

export function authorize(input: GateInput): Verdict[] {
  const { actor, directory: dir } = input;
  const admin = dir.isAdmin(actor);
  const needsAdmin = (what: string) => (admin ? `${actor} is an admin` : `${what}; ${actor} is not an admin`);
  const out: Verdict[] = [];

  const before = claimsOf(input.base);
  const after = claimsOf(input.head);
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
    out.push({ subject, change, allowed: true, reason: `owned by ${actor}${h ? ` in workspace ${ws}, which admits them` : ""}` });
  }

  const keys = [...new Set([...Object.keys(input.base ?? {}), ...Object.keys(input.head ?? {})])].filter((k) => k !== "claims").sort();
  for (const k of keys) {
    const b = input.base?.[k];
    const h = input.head?.[k];
    if (canonical(b) === canonical(h)) continue;
    const change = b === undefined ? "added" : h === undefined ? "removed" : "changed";
    out.push({ subject: `ocdp:${k}`, change, allowed: admin, reason: needsAdmin(`ocdp:${k} needs an admin`) });
  }

  for (const f of input.files) {
    out.push({ subject: `file ${f}`, change: "changed", allowed: admin, reason: needsAdmin(fileReason(f)) });
  }
  return out;
}
