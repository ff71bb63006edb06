// How an applied object is compared with the object `ocdp render` printed: every rendered field, with
// its type, equal in the cluster's copy; lists of equal length; only quantities in another form.
import assert from "node:assert/strict";

type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Every field of `want` is in `got` with the same value and type: a string is not a number. Only
 * quantities (resources, capacities, quota amounts) may differ in form: the server canonicalises them
 * (16384Mi -> 16Gi, 2 -> "2"), so their amounts are compared.
 */
export function assertContains(got: Obj, want: Obj, where: string, path = ""): void {
  if (want === null || typeof want !== "object") {
    if (/\.(limits|requests|capacity|hard)\./.test(`${path}.`) || /\.storage$/.test(path)) {
      const a = quantity(got);
      const b = quantity(want);
      if (a !== undefined && b !== undefined) return assert.equal(a, b, `${where}: ${path} (${got} vs ${want})`);
    }
    assert.equal(typeof got, typeof want, `${where}: ${path} is a ${typeof want} in the render, a ${typeof got} in the cluster (${JSON.stringify(want)} vs ${JSON.stringify(got)})`);
    assert.equal(got, want, `${where}: ${path}`);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${where}: ${path} is a list`);
    // Lists are equal in length: an item the cluster has and the render does not is a difference too.
    assert.equal(got.length, want.length, `${where}: ${path} has ${got.length} items in the cluster, ${want.length} in the render`);
    want.forEach((w, i) => assertContains(got[i], w, where, `${path}[${i}]`));
    return;
  }
  for (const [k, v] of Object.entries(want)) {
    // The server omits zero values (`minReadySeconds: 0`, `externalIPs: []`): absent is the same.
    const zero = v === 0 || v === false || v === "" || (Array.isArray(v) && v.length === 0) || (v && typeof v === "object" && Object.keys(v).length === 0);
    if (zero && got?.[k] === undefined) continue;
    assert.ok(got && k in got, `${where}: ${path}.${k} missing in the cluster`);
    assertContains(got[k], v, where, `${path}.${k}`);
  }
}

const UNITS: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
function quantity(v: unknown): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(v));
  return m ? Number(m[1]) * UNITS[m[2] ?? ""] : undefined;
}
