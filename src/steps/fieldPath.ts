// Reads kustomize-style field paths out of objects: `a.b.0.c`, `limits.[nvidia.com/gpu]` (a key with
// dots), `containers.[name=app].image` (a list item selected by a field).

export function splitFieldPath(path: string): string[] {
  const out: string[] = [];
  let cur = "";
  let depth = 0;
  for (const ch of path) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if (ch === "." && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((s) => s !== "");
}

export function getField(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const seg of splitFieldPath(path)) {
    if (cur === null || cur === undefined) return undefined;
    const sel = /^\[([^=\]]+)=([^\]]*)\]$/.exec(seg);
    if (sel) {
      cur = Array.isArray(cur) ? cur.find((x) => x && String(x[sel[1]]) === sel[2]) : undefined;
      continue;
    }
    const key = /^\[(.*)\]$/.exec(seg)?.[1] ?? seg;
    if (Array.isArray(cur) && /^\d+$/.test(key)) cur = cur[Number(key)];
    else if (typeof cur === "object") cur = (cur as Record<string, unknown>)[key];
    else return undefined;
  }
  return cur;
}

/** Sets an existing field (the path must already resolve to a parent). Returns whether it did. */
export function setField(obj: unknown, path: string, value: unknown): boolean {
  const segs = splitFieldPath(path);
  const last = segs.pop();
  if (last === undefined) return false;
  const parent = getField(obj, segs.join("."));
  if (parent === null || typeof parent !== "object") return false;
  const key = /^\[(.*)\]$/.exec(last)?.[1] ?? last;
  if (Array.isArray(parent) && /^\d+$/.test(key)) parent[Number(key)] = value;
  else (parent as Record<string, unknown>)[key] = value;
  return true;
}
