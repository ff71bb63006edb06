// Proof, on every run of the program, that Pulumi read the stack file as ocdp's loader did. The gate,
// `ocdp diff` and `ocdp render` judge the loader's reading; the program registers from Pulumi's. The
// loader refuses what the two could read differently, and this check refuses the run if they still do
// (a config file passed to Pulumi that is not the stack file, a reader bug): nothing is registered.
import type { ConfigValues } from "./configFile";

/** `{secure: "..."}` as a stack file stores a Pulumi secret; Pulumi hands the program the plaintext. */
export function isSecure(v: unknown): v is { secure: string } {
  return !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
}

/** Deep equality where a secure leaf of the file matches any string of Pulumi's (its plaintext). */
function same(file: unknown, pulumi: unknown): boolean {
  if (isSecure(file)) return typeof pulumi === "string";
  if (Array.isArray(file)) return Array.isArray(pulumi) && pulumi.length === file.length && file.every((x, i) => same(x, pulumi[i]));
  if (file && typeof file === "object") {
    if (!pulumi || typeof pulumi !== "object" || Array.isArray(pulumi)) return false;
    const a = Object.keys(file).sort();
    const b = Object.keys(pulumi).sort();
    return a.length === b.length && a.every((k, i) => k === b[i] && same((file as Record<string, unknown>)[k], (pulumi as Record<string, unknown>)[k]));
  }
  return file === pulumi;
}

/**
 * The keys whose values differ between the loader's reading (`file`: full keys to values) and the config
 * Pulumi gave the program (`pulumi.runtime.allConfig()`: full keys to strings, objects as JSON).
 * Never values: one may be secret.
 */
export function readingDifferences(file: ConfigValues, pulumi: Record<string, string>): string[] {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(file), ...Object.keys(pulumi)])].sort()) {
    if (!(k in pulumi)) { out.push(`${k}: in the file as ocdp reads it, not in Pulumi's config`); continue; }
    if (!(k in file)) { out.push(`${k}: in Pulumi's config, not in the file as ocdp reads it`); continue; }
    const v = file[k];
    const s = pulumi[k];
    let ok: boolean;
    if (typeof v === "string" || isSecure(v)) ok = isSecure(v) || s === v;
    else if (v !== null && typeof v === "object") {
      try { ok = same(v, JSON.parse(s)); } catch { ok = false; }
    } else ok = s === String(v);
    if (!ok) out.push(`${k}: Pulumi's value differs from the file as ocdp reads it`);
  }
  return out;
}
