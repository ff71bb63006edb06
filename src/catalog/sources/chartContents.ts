// What a chart holds that decides how it renders, read from a chart folder or a packaged .tgz, its
// subcharts included (folders, or packaged charts inside the package):
// - the CRDs in `crds/`: `helm template` leaves them out and Chart v4 installs them, so the two
//   executors would apply different objects, and a CRD is cluster-scoped, which a claim may never own.
//   A chart with CRDs is refused before anything renders (docs/design.md, "Helm hooks and crds/").
// - whether a template may generate values at render time (randAlphaNum, uuidv4, now, genCA, ...):
//   only such a chart is rendered twice to find them (steps/generated.ts). The test is generous (any
//   such word, even in a comment, means "may"): a chart wrongly thought deterministic would render
//   differently on every runner.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

interface Entry {
  /** Relative to the chart: `crds/x.yaml`, `charts/sub/templates/y.yaml`, `charts/sub.tgz/crds/z.yaml`. */
  path: string;
  body: () => Buffer;
}

const read = new Map<string, Entry[]>();

/** Every file of the chart and of its subcharts (a packaged subchart's files under `charts/<sub>.tgz/`). */
function chartEntries(path: string): Entry[] {
  let out = read.get(path);
  if (!out) {
    out = !existsSync(path) ? [] : statSync(path).isDirectory() ? inFolder(path, "") : inArchive(readFileSync(path), "");
    read.set(path, out);
  }
  return out;
}

/** Paths of the files under a `crds/` folder of the chart or any subchart, relative to the chart. */
export function chartCrdFiles(path: string): string[] {
  return chartEntries(path).map((e) => e.path).filter((p) => /^(charts\/[^/]+\/)*crds\/./.test(p)).sort();
}

const GENERATING = /\b(rand[A-Za-z]*|uuidv4|now|date[A-Za-z]*|ago|unixEpoch|gen[A-Z][A-Za-z]*|bcrypt|htpasswd|encryptAES|shuffle)\b/;

/** Whether any template of the chart (or a subchart) names a function whose result changes per render. */
export function chartMayGenerate(path: string): boolean {
  return chartEntries(path).some((e) => /^(charts\/[^/]+\/)*templates\//.test(e.path) && GENERATING.test(e.body().toString("utf8")));
}

function inFolder(dir: string, rel: string): Entry[] {
  const out: Entry[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...inFolder(full, p));
    else if (e.isFile() && /^(charts\/[^/]+\/)*charts\/[^/]+\.tgz$/.test(p)) out.push(...inArchive(readFileSync(full), p));
    else if (e.isFile()) out.push({ path: p, body: () => readFileSync(full) });
  }
  return out;
}

/** A gzipped tar's files (ustar headers: name at 0, size at 124, prefix at 345), the chart's folder name dropped. */
function inArchive(gz: Buffer, rel: string): Entry[] {
  const tar = gunzipSync(gz);
  const out: Entry[] = [];
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a: number, n: number) => header.subarray(a, a + n).toString("utf8").replace(/\0.*$/s, "");
    const name = [str(345, 155), str(0, 100)].filter(Boolean).join("/");
    const size = parseInt(str(124, 12).trim() || "0", 8);
    const regular = header[156] === 0 || header[156] === 0x30; // typeflag "\0" or "0": a file
    const body = Buffer.from(tar.subarray(off + 512, off + 512 + size));
    const inChart = name.split("/").slice(1).join("/");
    const path = rel ? `${rel}/${inChart}` : inChart;
    if (regular) {
      if (/^(charts\/[^/]+\/)*charts\/[^/]+\.tgz$/.test(inChart)) out.push(...inArchive(body, path));
      else out.push({ path, body: () => body });
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
