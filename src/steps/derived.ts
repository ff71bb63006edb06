// A generated value's placeholder (./generated.ts) -> the value applied: derived from the stack secret
// `ocdp:secretSeed`, the claim and the placeholder's id, so it is the same on every run and runner, for
// the claim's whole life, and different for every claim and stack seed. Only the Pulumi program holds
// the seed; `ocdp render`, `ocdp diff` and the PR comment print the placeholder.
import { createHmac } from "node:crypto";
import { ALPHABETS, type Alphabet, PLACEHOLDER } from "./generated";
import type { KObject } from "./objects";

/** Whose generated values: the same placeholder of two claims gives two values. */
export const scopeOf = (namespace: string, claim: string) => `${namespace}/${claim}`;

const FILL = new Map(ALPHABETS.map(([name, , fill]) => [name, fill]));

/** `length` characters of `alphabet`, uniform (rejection sampling over an HMAC-SHA256 stream). */
export function deriveRun(seed: string, scope: string, id: string, alphabet: Alphabet, length: number): string {
  const chars = FILL.get(alphabet)!;
  const limit = 256 - (256 % chars.length);
  let out = "";
  for (let block = 0; out.length < length; block++) {
    const bytes = createHmac("sha256", seed).update(`${scope}\0${id}\0${block}`).digest();
    for (const b of bytes) if (b < limit && out.length < length) out += chars[b % chars.length];
  }
  return out;
}

/** Every placeholder in `text` replaced by its derived value. */
export function fillText(text: string, seed: string, scope: string): string {
  return text.replace(PLACEHOLDER, (_m, alphabet: Alphabet, n: string, id: string) => deriveRun(seed, scope, id, alphabet, Number(n)));
}

const has = (s: string) => s.includes("ocdp:generated:");
const decoded = (s: string) => Buffer.from(s, "base64").toString("utf8");

/** Whether an object holds a placeholder (Secret data included). */
export function holdsPlaceholder(o: KObject): boolean {
  return has(JSON.stringify(o)) || (o.kind === "Secret" && Object.values((o.data ?? {}) as Record<string, string>).some((v) => typeof v === "string" && has(decoded(v))));
}

/** Whether any object of a claim holds a placeholder. */
export function holdsGenerated(objects: KObject[]): boolean {
  return objects.some(holdsPlaceholder);
}

/**
 * The generated values a claim's owner logs in with: every Secret key whose value holds a placeholder,
 * `<Secret name>/<key>` -> the value applied.
 */
export function generatedSecrets(objects: KObject[], seed: string, scope: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of objects.filter((x) => x.kind === "Secret")) {
    for (const [field, enc] of [["data", true], ["stringData", false]] as const) {
      for (const [k, v] of Object.entries((o[field] ?? {}) as Record<string, unknown>)) {
        if (typeof v !== "string") continue;
        const text = enc ? decoded(v) : v;
        if (has(text)) out[`${o.metadata.name}/${k}`] = fillText(text, seed, scope);
      }
    }
  }
  return out;
}
