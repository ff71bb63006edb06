// What a change does to a stack's objects: two renders compared by object identity
// (apiVersion/kind/namespace/name), per claim. Pure: renders in, a structured diff out.
import { identity, type KObject } from "../../steps/objects";
import { holdsSecret, SECRET_MASK } from "../../steps/secretValues";

/**
 * A claim's render at one ref: its objects (and the values of its secret inputs, never shown), or why
 * there are none; its template and workspace.
 */
export type ClaimRender = ({ objects: KObject[]; secrets?: string[] } | { error: string }) & { template: string; workspace: string; stopped?: boolean };

export interface FieldChange {
  path: string;
  old?: unknown;
  new?: unknown;
}

export interface ObjectChange {
  id: string;
  kind: string;
  change: "added" | "removed" | "changed";
  /** Removing it loses data (PersistentVolumeClaim, Namespace). */
  dataBearing?: boolean;
  fields?: FieldChange[];
}

export interface ClaimDiff {
  claim: string;
  /** At head, or at base for a removed claim. */
  template: string;
  workspace: string;
  status: "added" | "removed" | "changed" | "unchanged" | "failed";
  /** Render errors at base and/or head. */
  errors?: { base?: string; head?: string };
  /** The claim is stopped, or started, by this change; or stays stopped (`state: stopped`). */
  state?: "stops" | "starts" | "stopped";
  objects: ObjectChange[];
}

const DATA_BEARING = new Set(["PersistentVolumeClaim", "Namespace"]);

function flatten(v: unknown, path: string, out: Map<string, unknown>): void {
  if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v)) flatten(x, path ? `${path}.${k.includes(".") || k.includes("/") ? `[${k}]` : k}` : k, out);
  } else if (Array.isArray(v) && v.length) {
    v.forEach((x, i) => flatten(x, `${path}[${i}]`, out));
  } else out.set(path, v);
}

function isSecretPath(o: KObject, path: string): boolean {
  return o.kind === "Secret" && /^(data|stringData)\b/.test(path);
}

/** `secrets`: values of the claim's secret inputs; a field that holds one is shown masked, wherever it is. */
export function fieldChanges(a: KObject, b: KObject, secrets: string[] = []): FieldChange[] {
  const fa = new Map<string, unknown>();
  const fb = new Map<string, unknown>();
  flatten(a, "", fa);
  flatten(b, "", fb);
  const out: FieldChange[] = [];
  for (const p of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const x = fa.get(p);
    const y = fb.get(p);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const secret = isSecretPath(a, p) || isSecretPath(b, p) || holdsSecret(x, secrets) || holdsSecret(y, secrets);
    out.push({ path: p, ...(fa.has(p) ? { old: secret ? SECRET_MASK : x } : {}), ...(fb.has(p) ? { new: secret ? SECRET_MASK : y } : {}) });
  }
  return out;
}

export function diffObjects(base: KObject[], head: KObject[], secrets: string[] = []): ObjectChange[] {
  const b = new Map(base.map((o) => [identity(o), o]));
  const h = new Map(head.map((o) => [identity(o), o]));
  const out: ObjectChange[] = [];
  for (const [id, o] of b) {
    if (!h.has(id)) out.push({ id, kind: o.kind, change: "removed", ...(DATA_BEARING.has(o.kind) ? { dataBearing: true } : {}) });
  }
  for (const [id, o] of h) {
    const old = b.get(id);
    if (!old) out.push({ id, kind: o.kind, change: "added" });
    else {
      const fields = fieldChanges(old, o, secrets);
      if (fields.length) out.push({ id, kind: o.kind, change: "changed", fields });
    }
  }
  return out.sort((x, y) => x.id.localeCompare(y.id));
}

export function diffStack(base: Map<string, ClaimRender>, head: Map<string, ClaimRender>): ClaimDiff[] {
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  return names.map((claim): ClaimDiff => {
    const b = base.get(claim);
    const h = head.get(claim);
    const errors = { ...(b && "error" in b ? { base: b.error } : {}), ...(h && "error" in h ? { head: h.error } : {}) };
    const where = { template: (h ?? b)!.template, workspace: (h ?? b)!.workspace };
    if (errors.head) return { claim, ...where, status: "failed", errors, objects: [] };
    // Failed at base, renders at head: what it renders now, every object added.
    const bo = b && "objects" in b ? b.objects : [];
    const ho = h && "objects" in h ? h.objects : [];
    const secrets = [b, h].flatMap((r) => (r && "objects" in r ? r.secrets ?? [] : []));
    const objects = diffObjects(bo, ho, secrets);
    const status = !b ? "added" : !h ? "removed" : objects.length || errors.base ? "changed" : "unchanged";
    const [was, is] = [!!b?.stopped, !!h?.stopped];
    const state = h && is ? (b && !was ? "stops" : "stopped") : b && h && was ? "starts" : undefined;
    return { claim, ...where, status, ...(errors.base ? { errors } : {}), ...(state ? { state } : {}), objects };
  });
}
