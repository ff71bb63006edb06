// Edits the claims list of a stack file as text, keeping everything else byte for byte: comments,
// order, quoting, flow or block style, spacing. The file is parsed with `yaml` (which knows where each
// node starts and ends in the source); only the text of the claim being added, changed or removed is
// spliced, and that claim is re-serialized from its own node, so its comments stay too. Pure.
import { Document, isMap, isScalar, isSeq, parseDocument, visit, type YAMLMap, type YAMLSeq } from "yaml";
import { ValidationError } from "../../config/errors";
import { plainReadsDifferently } from "../../config/yamlFile";

const CLAIMS = ["config", "ocdp:claims"];
const OPTS = { lineWidth: 0, flowCollectionPadding: false } as const;

export type Edit =
  | { op: "add"; claim: Record<string, unknown> }
  /** Paths into the claim (e.g. ["values", "gpu", "count"]) set or removed, each in place. */
  | { op: "set"; name: string; set: [string[], unknown][]; unset: string[][] }
  | { op: "rm"; name: string };

function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

/** A sequence item's text: "- " at the sequence's indentation, the item's own lines under it. */
function itemText(node: unknown, indent: string): string {
  const lines = new Document(node).toString(OPTS).trimEnd().split("\n");
  return lines.map((l, i) => (i === 0 ? `${indent}- ${l}` : l ? `${indent}  ${l}` : l)).join("\n");
}

function claimsSeq(doc: Document, file: string): YAMLSeq | undefined {
  const seq = doc.getIn(CLAIMS, true);
  if (seq === undefined || seq === null) return undefined;
  if (!isSeq(seq)) throw new ValidationError([{ field: `${file}: ocdp:claims`, rule: "must be a list of claims" }]);
  return seq;
}

const nameOf = (item: unknown) => (isMap(item) ? (item as YAMLMap).get("name") : undefined);

const isLeafMap = (n: unknown) => isMap(n) && (n as YAMLMap).items.every((p) => !isMap(p.value) && !isSeq(p.value));

/** Whether a claim writes its small maps (`owner: {user: alice}`) in flow style. */
function usesFlowLeaves(node: YAMLMap): boolean {
  const found: boolean[] = [];
  const walk = (n: unknown) => {
    if (!isMap(n)) return;
    if (isLeafMap(n)) found.push(!!(n as YAMLMap).flow);
    for (const p of (n as YAMLMap).items) walk(p.value);
  };
  for (const p of node.items) walk(p.value);
  return found.length > 0 && found.filter(Boolean).length * 2 >= found.length;
}

function flowLeaves(node: YAMLMap): void {
  for (const p of node.items) {
    if (isLeafMap(p.value)) (p.value as YAMLMap).flow = true;
    else if (isMap(p.value)) flowLeaves(p.value as YAMLMap);
  }
}

/**
 * Strings that Pulumi's YAML reader would take for something else when written plain (`2026-12-06`,
 * `017`) are written quoted: what `claim` writes, the strict loader reads back (and render, and Pulumi).
 */
function quoteWhereNeeded(node: unknown): void {
  visit(node as Document, {
    Scalar(_k, s) {
      if (isScalar(s) && typeof s.value === "string" && plainReadsDifferently(s.value) && (!s.type || s.type === "PLAIN")) s.type = "QUOTE_DOUBLE";
    },
  });
}

/** Sets `path` under `node`, making missing maps on the way (in the style of their parent). */
function setPath(doc: Document, node: YAMLMap, path: string[], value: unknown): void {
  let cur: YAMLMap = node;
  for (const k of path.slice(0, -1)) {
    const next: unknown = cur.get(k, true);
    if (isMap(next)) {
      cur = next as YAMLMap;
      continue;
    }
    const made = doc.createNode({}) as unknown as YAMLMap;
    made.flow = cur.flow;
    cur.set(k, made);
    cur = made;
  }
  cur.set(path[path.length - 1], doc.createNode(value));
}

/** The stack file's text with one edit applied, and the claims list after it (plain data). */
export function editClaims(text: string, file: string, edit: Edit): { text: string; claims: unknown[] } {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ValidationError([{ field: file, rule: `not valid YAML: ${doc.errors[0].message.split("\n")[0]}` }]);
  const seq = claimsSeq(doc, file);
  const items = seq?.items ?? [];
  const index = edit.op === "add" ? -1 : items.findIndex((i) => nameOf(i) === edit.name);
  if (edit.op !== "add" && index < 0) throw new ValidationError([{ claim: edit.name, field: "name", rule: `no such claim in ${file}` }]);
  if (edit.op === "add" && items.some((i) => nameOf(i) === edit.claim.name)) {
    throw new ValidationError([{ claim: String(edit.claim.name), field: "name", rule: `already in ${file} (use ocdp claim set)` }]);
  }

  let out: string;
  if (!seq || seq.flow || items.length === 0 || !items.every((i) => isMap(i) && (i as YAMLMap).range)) {
    // No block list to splice into (absent, `[]`, or flow style): the document is edited and written
    // whole, which keeps comments and order but may respace.
    const list = seq ? (seq.toJSON() as unknown[]) : [];
    if (edit.op === "add") list.push(edit.claim);
    else if (edit.op === "rm") list.splice(index, 1);
    else {
      const c = doc.createNode(list[index]) as YAMLMap;
      for (const [p, v] of edit.set) c.setIn(p, v);
      for (const p of edit.unset) c.deleteIn(p);
      list[index] = c.toJSON();
    }
    doc.setIn(CLAIMS, doc.createNode(list));
    quoteWhereNeeded(doc.getIn(CLAIMS, true));
    out = doc.toString(OPTS);
  } else {
    const first = items[0] as YAMLMap;
    const dash = text.lastIndexOf("-", first.range![0]);
    const indent = text.slice(lineStart(text, dash), dash);
    const startOf = (i: number) => lineStart(text, text.lastIndexOf("-", (items[i] as YAMLMap).range![0]));
    const endOf = (i: number) => (items[i] as YAMLMap).range![1];
    if (edit.op === "add") {
      const at = endOf(items.length - 1);
      const before = text.slice(0, at).replace(/\n*$/, "");
      const node = doc.createNode(edit.claim) as YAMLMap;
      if (usesFlowLeaves(first)) flowLeaves(node);
      quoteWhereNeeded(node);
      out = `${before}\n${itemText(node, indent)}${text.slice(before.length)}`;
      if (!out.endsWith("\n")) out += "\n";
    } else if (edit.op === "rm") {
      // To the next item, or for the last one to the end of the line its range ends on.
      const nl = text.indexOf("\n", endOf(index) - 1);
      const to = index + 1 < items.length ? startOf(index + 1) : nl < 0 ? text.length : nl + 1;
      out = text.slice(0, startOf(index)) + text.slice(to);
    } else {
      // Each path set in place: other keys, their order, style and comments stay.
      const node = items[index] as YAMLMap;
      for (const [p, v] of edit.set) setPath(doc, node, p, v);
      for (const p of edit.unset) node.deleteIn(p);
      quoteWhereNeeded(node);
      const from = startOf(index);
      out = text.slice(0, from) + itemText(node, indent) + text.slice(text.slice(0, endOf(index)).replace(/\n*$/, "").length);
    }
  }
  const after = claimsSeq(parseDocument(out), file)?.toJSON() ?? [];
  return { text: out, claims: after as unknown[] };
}
