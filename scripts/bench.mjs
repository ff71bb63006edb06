#!/usr/bin/env node
// npm run bench [-- --offline N] [-- --pulumi 100,300]: synthetic claims over the three apps and ten
// workspaces, measured in one run on this machine.
// Offline (N claims, default 1000): (1) the naive loop a user would script (sequential helm template |
// kustomize build of a staged preset, no cache), (2) `ocdp render` cold, (3) again with nothing changed,
// (4) after changing one claim's values; wall time and peak RSS (GNU time) of each.
// The real executor (each size, default 100 and 300 claims; scripts/bench-pulumi.mjs): pulumi preview
// and up of this program against a baseline program applying the same pre-rendered objects.
// `--offline 0` or `--pulumi ""` skips a part; `--engine-env K=V,...` sets engine variables for both
// executors; `--no-profile` skips the engine knobs. Prints tables with ratios and writes bench/results.json
// (a part not run keeps its previous figures).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { claims, root, scratch, table, writeStack } from "./bench-common.mjs";
import { benchPulumi } from "./bench-pulumi.mjs";

const require = createRequire(join(root, "package.json"));

const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const N = Number(opt("offline", "1000"));
const PULUMI_SIZES = String(opt("pulumi", "100,300")).split(",").filter(Boolean).map(Number);
// Engine settings for both executors of the real bench, e.g. --engine-env PULUMI_SKIP_CHECKPOINTS=true.
const ENGINE_ENV = Object.fromEntries(String(opt("engine-env", "")).split(",").filter(Boolean).map((kv) => kv.split("=")));
const PROFILE = !process.argv.includes("--no-profile");

/** Wall seconds and peak RSS (MiB, the largest process of the tree) of one command. */
function measure(label, cmd, args, opts) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { encoding: "utf8", maxBuffer: 1 << 30, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${label} failed: ${r.stderr.slice(-2000)}`);
  const rssKb = Number(r.stderr.trim().split("\n").pop());
  process.stderr.write(`[bench] ${label}: ${seconds.toFixed(1)} s, peak RSS ${(rssKb / 1024).toFixed(0)} MiB\n`);
  return { label, seconds, peakRssMiB: Math.round(rssKb / 1024) };
}

if (process.argv[2] === "--naive") {
  // The baseline, run as its own process: every claim in turn, helm template then kustomize build of
  // a staged preset, with the real tools and no cache, no parallelism.
  const [dir, stack] = process.argv.slice(3);
  process.chdir(dir);
  const { loadProject, loadStack } = require(join(dir, "dist/src/config/load.js"));
  const { resolveStack } = require(join(dir, "dist/src/catalog/resolve.js"));
  const { helmTemplate } = require(join(dir, "dist/src/offline/helm.js"));
  const { stage } = require(join(dir, "dist/src/steps/stage.js"));
  const { kustomizeBuild } = require(join(dir, "dist/src/offline/kustomize.js"));
  const project = loadProject(dir);
  const ctx = { projectRoot: dir, cacheDir: join(dir, ".ocdp", "naive") };
  const list = await resolveStack(loadStack(project, stack), ctx);
  let bytes = 0;
  for (const rc of list) {
    const rendered = rc.helm ? await helmTemplate(rc, ctx) : undefined;
    const s = stage(rc, rendered);
    bytes += (await kustomizeBuild(s.dir, dir)).length;
    s.cleanup();
  }
  process.stdout.write(`${list.length} claims, ${bytes} bytes\n`);
  process.exit(0);
}

function offline() {
  const dir = scratch();
  writeStack(dir, claims(N));
  const env = { ...process.env, OCDP_CACHE_DIR: join(dir, ".ocdp", "cache") };
  const ocdp = (out) => [join(dir, "bin", "ocdp.js"), "render", "--stack", "bench", "--out", join(dir, out)];
  process.stderr.write(`[bench] ${N} claims in ${dir}\n`);
  const naive = measure("naive loop (sequential helm | kustomize)", process.execPath, [fileURLToPath(import.meta.url), "--naive", dir, "bench"], { env });
  const cold = measure("ocdp render, cold cache", process.execPath, ocdp("out-cold"), { cwd: dir, env });
  const warm = measure("ocdp render, nothing changed", process.execPath, ocdp("out-warm"), { cwd: dir, env });
  writeStack(dir, claims(N, 4));
  const one = measure("ocdp render, one claim changed", process.execPath, ocdp("out-one"), { cwd: dir, env });
  return {
    date: new Date().toISOString(), claims: N,
    runs: [naive, cold, warm, one],
    ratios: {
      coldOverNaive: +(cold.seconds / naive.seconds).toFixed(3),
      unchangedOverNaive: +(warm.seconds / naive.seconds).toFixed(4),
      oneChangeOverNaive: +(one.seconds / naive.seconds).toFixed(4),
      naivePerClaimMs: +((naive.seconds * 1000) / N).toFixed(1),
    },
    targets: { coldAtMostHalfNaive: cold.seconds <= 0.5 * naive.seconds, unchangedUnder1s: warm.seconds <= 1,
      oneChangeUnder1sPlusOneRender: one.seconds <= 1 + (naive.seconds / N) },
  };
}

const file = join(root, "bench", "results.json");
let previous = {};
try { previous = JSON.parse(readFileSync(file, "utf8")); } catch { /* first run */ }
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  offline: N > 0 ? offline() : previous.offline,
  // Sizes not measured in this run keep their figures (each says its date).
  pulumi: { ...(previous.pulumi ?? {}) },
};
if (results.offline) {
  const o = results.offline;
  process.stdout.write(`offline, ${o.claims} claims:\n${table([["run", "seconds", "peak RSS MiB", "vs naive"],
    ...o.runs.map((r) => [r.label, r.seconds.toFixed(2), r.peakRssMiB, (r.seconds / o.runs[0].seconds).toFixed(3)])])}\n`);
  process.stdout.write(`targets: ${JSON.stringify(o.targets)}\n\n`);
}
// Results are kept per size and engine settings: "300" (defaults), "300 PULUMI_SKIP_CHECKPOINTS=true".
const ENV_SUFFIX = Object.entries(ENGINE_ENV).map(([k, v]) => `${k}=${v}`).sort().join(",");
const keyOf = (n) => (ENV_SUFFIX ? `${n} ${ENV_SUFFIX}` : String(n));
for (const n of PULUMI_SIZES) {
  try {
    results.pulumi[keyOf(n)] = { date: new Date().toISOString(), engineEnv: ENGINE_ENV,
      ...await benchPulumi(n, { profile: PROFILE && n === PULUMI_SIZES[0], engineEnv: ENGINE_ENV }) };
  } catch (e) {
    // A size that fails is reported as such (and the run exits non-zero); the others are still measured.
    process.stderr.write(`[bench] ${n} claims failed: ${e.message}\n`);
    results.pulumi[keyOf(n)] = { claims: n, engineEnv: ENGINE_ENV, failed: e.message.slice(0, 2000) };
    process.exitCode = 1;
  }
  mkdirSync(join(root, "bench"), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`); // each size kept as soon as it is measured
}
const sizes = Object.keys(results.pulumi ?? {}).filter((n) => !results.pulumi[n].failed);
if (sizes.length) {
  const steps = [["previewEmpty", "pulumi preview, empty state"], ["up", "pulumi up"], ["previewNoChange", "pulumi preview, nothing changed"],
    ["upNoChange", "pulumi up, nothing changed"], ["upOneChange", "pulumi up, one claim changed"]];
  const rows = [["run", ...sizes.flatMap((n) => [`${n}: program s`, `${n}: baseline s`, `${n}: ratio`])]];
  for (const [k, label] of steps) {
    rows.push([label, ...sizes.flatMap((n) => { const r = results.pulumi[n]; return [r.program[k].seconds.toFixed(1), r.baseline[k].seconds.toFixed(1), `${r.ratios[`${k}OverBaseline`]}x`]; })]);
  }
  rows.push(["peak RSS MiB, program / provider (up)", ...sizes.flatMap((n) => { const r = results.pulumi[n]; return [`${r.program.up.programPeakRssMiB} / ${r.program.up.providerPeakRssMiB}`, `${r.baseline.up.programPeakRssMiB} / ${r.baseline.up.providerPeakRssMiB}`, ""]; })]);
  rows.push(["state KB per claim", ...sizes.flatMap((n) => { const r = results.pulumi[n]; return [r.program.state.kbPerClaim, r.baseline.state.kbPerClaim, (r.program.state.kbPerClaim / r.baseline.state.kbPerClaim).toFixed(2) + "x"]; })]);
  rows.push(["claims ready after up", ...sizes.flatMap((n) => { const r = results.pulumi[n]; return [`${r.program.ready.ready}/${r.claims} in ${r.program.ready.seconds}s`, `${r.baseline.ready.ready}/${r.claims} in ${r.baseline.ready.seconds}s`, ""]; })]);
  process.stdout.write(`the real executor (pulumi, local cluster):\n${table(rows)}\n`);
  // Linearity: smallest against largest size measured with the same engine settings.
  results.linearity = {};
  for (const suffix of new Set(sizes.map((k) => k.split(" ")[1] ?? ""))) {
    const same = sizes.filter((k) => (k.split(" ")[1] ?? "") === suffix).sort((x, y) => parseInt(x) - parseInt(y));
    if (same.length < 2) continue;
    const [a, b] = [same[0], same[same.length - 1]];
    const per = (key, k) => results.pulumi[key].program[k].seconds / results.pulumi[key].claims;
    const lin = Object.fromEntries(steps.map(([k]) => [`${k}PerClaim${parseInt(b)}Over${parseInt(a)}`, +(per(b, k) / per(a, k)).toFixed(2)]));
    results.linearity[suffix || "defaults"] = lin;
    process.stdout.write(`cost per claim at ${b} over ${a} (1.0 = linear): ${JSON.stringify(lin)}\n`);
  }
  for (const n of sizes) process.stdout.write(`targets at ${n}: ${JSON.stringify(results.pulumi[n].targets)}\n`);
}
mkdirSync(join(root, "bench"), { recursive: true });
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write("written to bench/results.json\n");
