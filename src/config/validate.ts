// ajv wrapped so that every failure becomes an Issue naming a dotted field and a rule in plain words.
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { type Issue, shown as show } from "./errors";

const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: true });
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** Dotted path: `/values/gpu/count` under prefix `values` -> `values.gpu.count`. */
function fieldOf(prefix: string, e: ErrorObject): string {
  const segs = e.instancePath.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (e.keyword === "additionalProperties") segs.push(String(e.params.additionalProperty));
  if (e.keyword === "required") segs.push(String(e.params.missingProperty));
  return [prefix, ...segs].filter(Boolean).join(".").replace(/\.(\d+)(?=\.|$)/g, "[$1]");
}

function ruleOf(e: ErrorObject, data: unknown, redact: boolean): string {
  const got = redact ? undefined : valueAt(data, e.instancePath);
  // An unknown key's value is not shown either: it may be a secret typed at the wrong place.
  const shown = got === undefined ? "" : ` (got ${show(got)})`;
  switch (e.keyword) {
    case "additionalProperties": return "unknown key: not declared by the schema";
    case "required": return "required";
    case "type": return `must be of type ${e.params.type}${shown}`;
    case "minimum": return `must be >= ${e.params.limit}${shown}`;
    case "maximum": return `must be <= ${e.params.limit}${shown}`;
    case "exclusiveMinimum": return `must be > ${e.params.limit}${shown}`;
    case "exclusiveMaximum": return `must be < ${e.params.limit}${shown}`;
    case "pattern": return `must match pattern ${e.params.pattern}${shown}`;
    case "enum": return `must be one of ${JSON.stringify(e.params.allowedValues)}${shown}`;
    case "const": return `must be ${JSON.stringify(e.params.allowedValue)}${shown}`;
    case "maxLength": return `must be at most ${e.params.limit} characters${shown}`;
    case "minLength": return `must be at least ${e.params.limit} characters${shown}`;
    default: return `${e.message ?? e.keyword}${shown}`;
  }
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const seg of pointer.split("/").slice(1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

/**
 * Validates `data` (and fills declared defaults in place). Returns issues located by `where`, with fields
 * under `prefix`. Only the most specific error per field is kept. `redact` keeps the offending values out
 * of the messages (secrets).
 */
export function check(schema: object, data: unknown, where: Omit<Issue, "field" | "rule">, prefix = "", redact: boolean | ((field: string) => boolean) = false): Issue[] {
  const v = compile(schema);
  if (v(data)) return [];
  const seen = new Set<string>();
  const out: Issue[] = [];
  for (const e of v.errors ?? []) {
    if (e.keyword === "if") continue;
    const field = fieldOf(prefix, e) || "(root)";
    const rule = ruleOf(e, data, typeof redact === "function" ? redact(field) : redact);
    const key = `${field}\0${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...where, field, rule });
  }
  return out;
}
