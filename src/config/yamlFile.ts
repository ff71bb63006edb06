// The one YAML reader of config files (Pulumi.yaml, stacks/Pulumi.<stack>.yaml), strict on purpose.
// Pulumi reads the same files with Go's YAML parser; this project reads them with `yaml` (JavaScript).
// Where the two could read one text differently, an attacker chooses the difference: a merge key, a
// Unicode line break, an alias, a number written so that one parser sees 017 and the other 15. So the
// reader accepts only the part of YAML both read alike, and refuses the rest with the file, the line and
// the rule. test/render/configReading.test.ts proves the accepted part equal against the real Pulumi
// CLI and engine.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair } from "yaml";
import { type Issue, ValidationError } from "./errors";

/** A file with hundreds of aliases (an alias bomb) is reported, not listed whole. */
const MAX_LISTED = 20;

/** Characters one YAML reader takes as a line break or skips, and the other keeps, or that hide text. */
function badChar(c: number, next: number, at: number): string | undefined {
  if (c === 0xfeff) return at === 0 ? undefined : "a byte-order mark (U+FEFF) is allowed only at the start";
  if (c === 0x85 || c === 0x2028 || c === 0x2029) return `U+${c.toString(16).toUpperCase().padStart(4, "0")} is a line break to one YAML reader and text to another`;
  if (c === 0x0d) return next === 0x0a ? undefined : "a carriage return is allowed only before a newline";
  if (c === 0x09 || c === 0x0a) return undefined;
  if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) return `control character U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  if (c === 0xfffe || c === 0xffff) return `non-character U+${c.toString(16).toUpperCase()}`;
  return undefined;
}

/**
 * Plain scalars that YAML 1.2 (this reader) and Go's YAML (YAML 1.1 habits) resolve differently: 017 is
 * 17 to one and 15 to the other; 1_000, 0b101, .inf, 1:30 and dates differ too. Quoted, they are strings
 * to both. (YAML 1.1 booleans such as `yes` are strings to both, as Go's reader decodes them untyped.)
 */
const AMBIGUOUS_PLAIN: [RegExp, string][] = [
  [/^[-+]?0[0-9_]+(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/, "a number with a leading zero"],
  [/^[-+]?0[oOxXbB][0-9a-fA-F_]*$/, "a number with a 0x/0o/0b prefix"],
  [/^\+[0-9.]/, "a number with a + sign"],
  [/^[-+]?[0-9._]*_[0-9._]*([eE][-+]?[0-9_]+)?$/, "a number with an underscore"],
  [/^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/, "infinity or not-a-number"],
  [/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/, "a base-60 number"],
  // Go's reader makes a time of these, which Pulumi hands on as "2026-12-06 00:00:00 +0000 UTC".
  [/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ]|$)/, "a date or time"],
];

/**
 * `file:line` for messages. A file named "<path> at <commit>" (a snapshot of a commit) becomes
 * "<path>:<line> at <commit>".
 */
export function located(file: string, line: number): string {
  const m = / at [^/]+$/.exec(file);
  return m ? `${file.slice(0, m.index)}:${line}${m[0]}` : `${file}:${line}`;
}

export interface ReadDocument {
  doc: Document.Parsed;
  /** The 1-based line a node starts on. */
  lineOf: (n: Node | null | undefined) => number;
}

/** Whether a string written plain would read differently to Pulumi's reader (it must be quoted). */
export function plainReadsDifferently(s: string): boolean {
  return AMBIGUOUS_PLAIN.some(([re]) => re.test(s));
}

export interface ReadOptions {
  /** The file, as errors name it. */
  file: string;
}

/** Bytes as UTF-8, refusing invalid sequences (Node would replace them; Go would refuse or keep them). */
function decode(input: string | Uint8Array, file: string): string {
  if (typeof input === "string") return input;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw new ValidationError([{ field: file, rule: "not valid UTF-8" }]);
  }
}

/**
 * The parsed YAML document of a config file, or a ValidationError listing every refusal with its line.
 * `text` may be bytes (from disk or git) or a string. A document with problems never reaches the caller.
 */
export function readConfigDocument(input: string | Uint8Array, opts: ReadOptions): ReadDocument {
  const text = decode(input, opts.file);
  const issues: Issue[] = [];
  const lines = new LineCounter();
  const at = (line: number, rule: string) => issues.push({ field: located(opts.file, line), rule });

  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const why = badChar(c, text.charCodeAt(i + 1), i);
    if (why) at(line, why);
    if (c === 0x0a) line++;
  }
  if (issues.length) throw new ValidationError(issues.slice(0, MAX_LISTED));

  const docs = parseAllDocuments(text, { lineCounter: lines, merge: false, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number) => lines.linePos(offset).line;
  if (!Array.isArray(docs)) throw new ValidationError([{ field: opts.file, rule: "empty: expected a mapping" }]);
  if (docs.length !== 1) {
    at(docs.length ? lineOf(docs[1].range[0]) : 1, docs.length ? "more than one YAML document" : "empty: expected a mapping");
    throw new ValidationError(issues);
  }
  const doc = docs[0];
  for (const e of [...doc.errors, ...doc.warnings]) at(lineOf(e.pos[0]), `not valid YAML: ${e.message.split("\n")[0]}`);
  // Directives (%YAML 1.1, %TAG) change how the rest is read, and only one of the readers honours them.
  text.split("\n").forEach((l, i) => { if (l.startsWith("%")) at(i + 1, "YAML directives (%YAML, %TAG) are not accepted"); });
  if (issues.length) throw new ValidationError(issues);

  const walk = (n: Node | null | undefined, key: boolean): void => {
    if (!n) return;
    const l = n.range ? lineOf(n.range[0]) : 1;
    if (isAlias(n)) return void at(l, `alias *${n.source}: anchors and aliases are not accepted (write the value out)`);
    if (n.anchor) at(l, `anchor &${n.anchor}: anchors and aliases are not accepted (write the value out)`);
    if (n.tag) at(l, `tag ${n.tag}: explicit tags are not accepted`);
    if (isScalar(n)) {
      if (key && typeof n.value !== "string") at(l, `key ${String(n.source ?? n.value).slice(0, 32)}: keys must be strings (quote it)`);
      if (key && n.value === "<<") at(l, "merge key <<: merge keys are not accepted (one reader merges, the other keeps a key named <<)");
      if (n.type === "PLAIN" && typeof n.source === "string") {
        const hit = AMBIGUOUS_PLAIN.find(([re]) => re.test(n.source as string));
        if (hit) at(l, `${hit[1]} (${JSON.stringify((n.source as string).slice(0, 32))}) reads differently in YAML 1.1 and 1.2: quote it`);
      }
      if (typeof n.value === "number" && (!Number.isFinite(n.value) || (Number.isInteger(n.value) && !Number.isSafeInteger(n.value)))) {
        at(l, "a number beyond what JSON carries exactly: quote it");
      }
      return;
    }
    if (key) return void at(l, "keys must be strings, not mappings or lists");
    if (isMap(n)) for (const p of n.items as Pair<Node, Node>[]) { walk(p.key, true); walk(p.value, false); }
    else if (isSeq(n)) for (const item of n.items as Node[]) walk(item, false);
  };
  walk(doc.contents as Node, false);
  if (issues.length > MAX_LISTED) {
    const more = issues.length - MAX_LISTED;
    issues.splice(MAX_LISTED, more, { field: opts.file, rule: `and ${more} more problem(s) of these kinds` });
  }
  if (issues.length) throw new ValidationError(issues);
  return { doc, lineOf: (n) => (n?.range ? lineOf(n.range[0]) : 1) };
}
