// The values of a claim's `secret: true` inputs (and of inputs that reach a Secret), kept out of what
// ocdp prints: `ocdp render` (unless --show-secrets) and `ocdp diff` (and so the PR comment) mask every
// field that holds one, wherever the preset put it: a Secret's data decoded, a ConfigMap, an env value,
// an annotation. Matched by value, so a preset that copies the value to a second place is covered too.
import { isSecretInput, type UserInput, valueOf } from "../catalog/userInputs";
import type { KObject } from "./objects";

export const SECRET_MASK = "(secret value)";

/** The claim's secret input values that could be recognised in a field (non-empty text or numbers). */
export function secretValuesOf(inputs: UserInput[], values: Record<string, unknown>): string[] {
  return inputs.filter(isSecretInput).map((i) => valueOf(values, i.name))
    .filter((v): v is string | number => (typeof v === "string" && v.length > 0) || typeof v === "number").map(String);
}

/** Whether a field's value holds one of `secrets` (as it is, or base64-decoded as in a Secret's data). */
export function holdsSecret(v: unknown, secrets: string[]): boolean {
  if (!secrets.length || (typeof v !== "string" && typeof v !== "number")) return false;
  const s = String(v);
  const decoded = typeof v === "string" && /^[A-Za-z0-9+/]+={0,2}$/.test(s) ? Buffer.from(s, "base64").toString("utf8") : "";
  return secrets.some((x) => s.includes(x) || decoded.includes(x));
}

/** A copy of `objects` with every field that holds a secret value replaced by SECRET_MASK. */
export function maskSecrets(objects: KObject[], secrets: string[]): KObject[] {
  if (!secrets.length) return objects;
  const walk = (v: unknown): unknown => {
    if (holdsSecret(v, secrets)) return SECRET_MASK;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return objects.map((o) => walk(o) as KObject);
}
