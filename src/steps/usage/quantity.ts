// Kubernetes quantities as numbers: cpu in millicores, memory and storage in bytes. Exact for every value
// a budget or a manifest realistically holds (integers below 2^53).
import type { Quantity } from "../../config/types";

const SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
/** The language of the schema's QUANTITY pattern, with the number and the suffix captured. */
const FORM = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(q: Quantity | undefined | null): number | undefined {
  if (q === undefined || q === null) return undefined;
  if (typeof q === "number") return Number.isFinite(q) && q >= 0 ? q : undefined;
  const m = FORM.exec(String(q).trim());
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[2] ?? ""];
}

/** cpu in whole millicores (the scheduler's unit: 0.0001 rounds up to 1m). */
export function milliCpu(q: Quantity | undefined | null): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.ceil(Math.round(v * 1e6) / 1e3);
}

/** bytes, whole. */
export function bytes(q: Quantity | undefined | null): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.ceil(v);
}

export function formatMilliCpu(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/**
 * The largest binary unit that shows the value exactly with at most three decimals (1.5Gi), else plain
 * bytes: never a rounded figure, so "over budget" never reads as two equal numbers.
 */
export function formatBytes(b: number): string {
  for (const u of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"] as const) {
    const v = b / SUFFIX[u];
    if (v >= 1 && Number.isInteger(v * 1000)) return `${v}${u}`;
  }
  return String(b);
}
