// The finishing of a Kustomize-only claim carried to Directory v2 as data. The provider runs kustomize
// itself over the staged claim and has no hook for a post-renderer; a Pulumi transform would cost one
// callback into the program per child. So the offline executor, which ran the finishing step on the very
// objects that build gives, writes what it changed in each object (RFC 6902 operations) into the stage as
// builtin PatchTransformers: the provider's own build then gives the finished objects, types included.
import type { KObject } from "./objects";

export type PatchOp =
  | { op: "add" | "replace"; path: string; value: unknown }
  | { op: "remove"; path: string };

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 6901: `~` and `/` inside a key. */
export const pointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * The operations that turn `a` into `b`: maps member by member, lists of the same length item by item
 * (a list that grew or shrank is replaced whole), anything else replaced when it differs, type included
 * (`8` and `"8"` differ).
 */
export function jsonDiff(a: Json, b: Json, path = ""): PatchOp[] {
  if (isObject(a) && isObject(b)) {
    const ops: PatchOp[] = [];
    for (const k of Object.keys(a)) if (!(k in b)) ops.push({ op: "remove", path: `${path}/${pointer(k)}` });
    for (const [k, v] of Object.entries(b)) {
      ops.push(...(k in a ? jsonDiff(a[k], v, `${path}/${pointer(k)}`) : [{ op: "add" as const, path: `${path}/${pointer(k)}`, value: v }]));
    }
    return ops;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => jsonDiff(x, b[i], `${path}/${i}`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ op: "replace", path, value: b }];
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * One builtin PatchTransformer per object the finishing changed, aimed at the object as kustomize built
 * it (`built[i]` became `finished[i]`: the steps keep order and names). Listed under the stage's
 * `transformers`, they run after its name prefix and labels, so they aim at final names.
 */
export function finishTransformers(built: KObject[], finished: KObject[]): string[] {
  if (built.length !== finished.length) throw new Error(`finishing changed the number of objects (${built.length} -> ${finished.length})`);
  const out: string[] = [];
  built.forEach((o, i) => {
    const ops = jsonDiff(o, finished[i]);
    if (ops.length === 0) return;
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
    out.push(JSON.stringify({
      apiVersion: "builtin", kind: "PatchTransformer", metadata: { name: `ocdp-finish-${out.length}` },
      // Target names are regular expressions to kustomize.
      target: { group, version, kind: o.kind, name: regexEscape(o.metadata.name) },
      patch: JSON.stringify(ops),
    }));
  });
  return out;
}
