// The CRDs a chart carries in `crds/` (its own and its subcharts'), from a chart folder or a packaged
// .tgz. Why it matters: `helm template` leaves `crds/` out and Chart v4 installs it, so the two executors
// would apply different objects; and a CRD is cluster-scoped, which a claim may never own. A chart with
// CRDs is refused before anything renders (docs/design.md, "Helm hooks and crds/").
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const found = new Map<string, string[]>();

/** Paths of the files under a `crds/` folder of the chart or any subchart, relative to the chart. */
export function chartCrdFiles(path: string): string[] {
  const known = found.get(path);
  if (known) return known;
  const out = !existsSync(path) ? [] : statSync(path).isDirectory() ? inFolder(path, "") : inArchive(readFileSync(path), "");
  found.set(path, out);
  return out;
}

/** A chart folder: its `crds/`, and each subchart under `charts/` (a folder or a packaged .tgz). */
function inFolder(dir: string, rel: string): string[] {
  const out: string[] = [];
  const at = (name: string) => (rel ? `${rel}/${name}` : name);
  if (existsSync(join(dir, "crds")) && statSync(join(dir, "crds")).isDirectory()) out.push(...walk(join(dir, "crds"), at("crds")));
  const sub = join(dir, "charts");
  if (existsSync(sub) && statSync(sub).isDirectory()) {
    for (const e of readdirSync(sub, { withFileTypes: true })) {
      if (e.isDirectory()) out.push(...inFolder(join(sub, e.name), at(`charts/${e.name}`)));
      else if (e.isFile() && e.name.endsWith(".tgz")) out.push(...inArchive(readFileSync(join(sub, e.name)), at(`charts/${e.name}`)));
    }
  }
  return out.sort();
}

function walk(dir: string, rel: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), `${rel}/${e.name}`) : [`${rel}/${e.name}`]));
}

/** A gzipped tar's entries (ustar headers: name at 0, size at 124, prefix at 345), `crds/` ones kept. */
function inArchive(gz: Buffer, rel: string): string[] {
  const tar = gunzipSync(gz);
  const out: string[] = [];
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a: number, n: number) => header.subarray(a, a + n).toString("utf8").replace(/\0.*$/s, "");
    const name = [str(345, 155), str(0, 100)].filter(Boolean).join("/");
    const size = parseInt(str(124, 12).trim() || "0", 8);
    const regular = header[156] === 0 || header[156] === 0x30; // typeflag "\0" or "0": a file
    const body = tar.subarray(off + 512, off + 512 + size);
    // <chart>/crds/..., <chart>/charts/<sub>/crds/..., and packaged subcharts <chart>/charts/<sub>.tgz
    const inChart = name.split("/").slice(1).join("/");
    const path = rel ? `${rel}/${inChart}` : inChart;
    if (regular) {
      if (/^(charts\/[^/]+\/)*crds\/./.test(inChart)) out.push(path);
      else if (/^(charts\/[^/]+\/)*charts\/[^/]+\.tgz$/.test(inChart)) out.push(...inArchive(Buffer.from(body), path));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out.sort();
}
