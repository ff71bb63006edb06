// Placeholders are substituted into parsed string scalars, never into YAML text: a value can change a
// string's content but never the document's structure.

export interface PlaceholderScope {
  name: string;
  namespace: string;
  workspaceId: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Names used in `s` that the scope does not define. */
export function unknownPlaceholders(s: string): string[] {
  const known = new Set(["name", "namespace", "workspaceId"]);
  return [...s.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((n) => !known.has(n));
}

export function substituteString(s: string, scope: PlaceholderScope): string {
  return s.replace(PLACEHOLDER, (whole, key: string) => (key in scope ? scope[key as keyof PlaceholderScope] : whole));
}

/** Deep copy of a parsed document with every string scalar (keys too) substituted. */
export function substitute<T>(doc: T, scope: PlaceholderScope): T {
  if (typeof doc === "string") return substituteString(doc, scope) as T;
  if (Array.isArray(doc)) return doc.map((d) => substitute(d, scope)) as T;
  if (doc && typeof doc === "object") {
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [substituteString(k, scope), substitute(v, scope)])) as T;
  }
  return doc;
}

/** Every placeholder name used anywhere in a parsed document that the scope would not know. */
export function unknownPlaceholdersIn(doc: unknown): string[] {
  if (typeof doc === "string") return unknownPlaceholders(doc);
  if (Array.isArray(doc)) return doc.flatMap(unknownPlaceholdersIn);
  if (doc && typeof doc === "object") return Object.entries(doc).flatMap(([k, v]) => [...unknownPlaceholders(k), ...unknownPlaceholdersIn(v)]);
  return [];
}
