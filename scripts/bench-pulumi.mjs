// The real executor measured: N claims through `pulumi preview`/`up` of this program on the local
// cluster (sized to the stack), and in the same run a baseline Pulumi program that applies the very same
// pre-rendered objects (what `ocdp render` prints, the namespaces, the CRDs and the WorkloadClaim/Workload
// records as the API server holds them) through `kubernetes.yaml.v2.ConfigGroup`, each on its own
// cluster, both clusters up through the run; the steps that leave the state as it was are taken in turns.
// Wall time, peak RSS per process kind (sampled from /proc), checkpoint size and what it holds.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { claims, root, scratch, writeStack, yaml } from "./bench-common.mjs";
import { down as clusterDown, sizeForStack, up as clusterUp } from "./cluster.mjs";

const require = createRequire(join(root, "package.json"));
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const PROVIDER = JSON.parse(readFileSync(join(root, "node_modules", "@pulumi", "kubernetes", "package.json"), "utf8")).version;
const PULUMI = join(root, ".tools", "bin", "pulumi");
/** Every pulumi command is bounded; a wait that runs out fails the bench and says which. */
const STEP_TIMEOUT_MS = 30 * 60_000;

export function pulumiEnv(dir, extra = {}) {
  mkdirSync(join(dir, ".bench-state"), { recursive: true });
  // The provider writes the kubeconfig to $TMPDIR and never removes it: kept in the bench's own folder.
  mkdirSync(join(dir, ".bench-tmp"), { recursive: true, mode: 0o700 });
  return {
    ...process.env, TMPDIR: join(dir, ".bench-tmp"), PATH: `${join(root, ".tools", "bin")}:${process.env.PATH}`,
    PULUMI_HOME: join(dir, ".bench-home"), PULUMI_BACKEND_URL: `file://${join(dir, ".bench-state")}`,
    PULUMI_CONFIG_PASSPHRASE: "", PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true", NO_COLOR: "1", OCDP_CACHE_DIR: join(dir, ".ocdp", "cache"), ...extra,
  };
}

/** What a process is, from its command line: the kinds whose peak RSS the bench reports. */
function kindOf(cmdline) {
  if (/pulumi-resource-kubernetes/.test(cmdline[0] ?? "")) return "provider";
  if (/(^|\/)kustomize$/.test(cmdline[0] ?? "")) return "kustomize";
  if (cmdline.some((a) => a.includes("post-render"))) return "postRenderer";
  if (cmdline.some((a) => /@pulumi[/\\]pulumi[/\\]cmd[/\\]run/.test(a))) return "program";
  if (/(^|\/)pulumi$/.test(cmdline[0] ?? "")) return "engine";
  return undefined;
}

/**
 * Samples /proc every 200 ms: the largest VmHWM per kind, CPU seconds per kind (user + system, and for
 * the provider also its waited-for children: the post-renderers it runs), and how many post-renderer and
 * kustomize processes were seen (a post-renderer served by the render cache starts no kustomize).
 */
export function sampler(prefix) {
  const peak = {};
  const cpu = new Map();
  const seen = { postRenderer: new Set(), kustomize: new Set() };
  const tick = () => {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        if (!cmdline.some((a) => a.startsWith(prefix)) && !/pulumi/.test(cmdline[0] ?? "")) continue;
        const kind = kindOf(cmdline);
        if (!kind) continue;
        // A post-renderer by its stage (one per Chart per step): the shell front forks subshells, and its
        // hits last ~10 ms, so a 200 ms sampler sees some of them only; their CPU is in providerChildren.
        if (kind === "postRenderer") seen.postRenderer.add(cmdline.find((a) => a.includes("/.ocdp/stage/")) ?? pid);
        else if (seen[kind]) seen[kind].add(pid);
        const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
        const stat = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
        // Fields 14-17 of stat (utime, stime, cutime, cstime), counted after the command's closing parenthesis.
        const [utime, stime, cutime, cstime] = stat.slice(11, 15).map(Number);
        cpu.set(pid, { kind, own: utime + stime, children: cutime + cstime });
        if (kind === "kustomize") continue;
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        peak[kind] = Math.max(peak[kind] ?? 0, hwm);
      } catch { /* gone */ }
    }
  };
  const timer = setInterval(tick, 200);
  return () => {
    clearInterval(timer);
    const cpuSeconds = {};
    for (const { kind, own, children } of cpu.values()) {
      cpuSeconds[kind] = +((cpuSeconds[kind] ?? 0) + own / 100).toFixed(2);
      if (kind === "provider") cpuSeconds.providerChildren = +((cpuSeconds.providerChildren ?? 0) + children / 100).toFixed(2);
    }
    return { ...Object.fromEntries(Object.entries(peak).map(([k, v]) => [`${k}PeakRssMiB`, Math.round(v / 1024)])),
      postRenderers: seen.postRenderer.size, kustomizeProcesses: seen.kustomize.size, cpuSeconds };
  };
}

function runPulumi(cwd, env, args) {
  return new Promise((resolve) => {
    const p = spawn(PULUMI, [...args, "--non-interactive", "--color", "never"], { cwd, env });
    let out = "";
    p.stdout.on("data", (c) => { out += c; });
    p.stderr.on("data", (c) => { out += c; });
    const timer = setTimeout(() => p.kill("SIGTERM"), STEP_TIMEOUT_MS);
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

/** One measured pulumi command; `check(out)` says what its output must show (or throws). */
export async function step(label, cwd, env, args, check = () => {}) {
  const stop = sampler(cwd);
  const t0 = process.hrtime.bigint();
  const r = await runPulumi(cwd, env, args);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = stop();
  if (r.code !== 0) {
    const diagnostics = r.out.slice(Math.max(0, r.out.indexOf("Diagnostics:")));
    throw new Error(`${label} failed (exit ${r.code}) after ${seconds.toFixed(0)} s:\n${diagnostics.slice(0, 4000)}`);
  }
  check(r.out);
  const changes = /Resources:\n([\s\S]*?)\n\n/.exec(r.out)?.[1]?.replace(/\s+/g, " ").trim();
  log(`${label}: ${seconds.toFixed(1)} s ${JSON.stringify(rss)}${changes ? ` [${changes}]` : ""}`);
  return { seconds: +seconds.toFixed(2), ...rss, ...(changes ? { changes } : {}) };
}

const expectNoChanges = (out) => {
  if (/\b\d+ to (create|update|delete|replace)\b|\b\d+ (created|updated|deleted|replaced)\b/.test(out)) throw new Error(`expected no changes:\n${out.slice(-2000)}`);
};
const expectUpdates = (out) => {
  if (!/\b\d+ (updated|replaced|created)\b/.test(out)) throw new Error(`expected a change:\n${out.slice(-2000)}`);
};

/** The checkpoint file the backend rewrites at each step (plain or compressed). */
function checkpointFile(stateDir, project, stack) {
  const d = join(stateDir, ".pulumi", "stacks", project);
  const files = readdirSync(d).filter((x) => [`${stack}.json`, `${stack}.json.gz`, `${stack}.json.zst`].includes(x))
    .map((x) => statSync(join(d, x))).sort((a, b) => b.mtimeMs - a.mtimeMs);
  return files[0]?.size ?? 0;
}

/** Sizes (JSON bytes) of a value's top-level keys, largest first. */
const keySizes = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, JSON.stringify(v).length]).sort((a, b) => b[1] - a[1]));

/** Bytes of the checkpoint, and what they are: per resource type, inputs vs outputs, one Deployment's fields. */
export function stateOf(cwd, env, project, stack, n) {
  const text = execFileSync(PULUMI, ["stack", "export", "--stack", stack], { cwd, env, maxBuffer: 1 << 30, encoding: "utf8" });
  const resources = JSON.parse(text).deployment?.resources ?? [];
  const byType = {};
  // What the bytes are, over every resource: each field of a resource state, and of the live objects' metadata.
  const fields = {};
  const metadata = {};
  for (const r of resources) {
    const t = (byType[r.type] ??= { count: 0, bytes: 0, inputs: 0, outputs: 0 });
    t.count++;
    t.bytes += JSON.stringify(r).length;
    t.inputs += JSON.stringify(r.inputs ?? {}).length;
    t.outputs += JSON.stringify(r.outputs ?? {}).length;
    for (const [k, v] of Object.entries(r)) fields[k] = (fields[k] ?? 0) + JSON.stringify(v).length;
    for (const [k, v] of Object.entries(r.outputs?.metadata ?? {})) metadata[k] = (metadata[k] ?? 0) + JSON.stringify(v).length;
  }
  const perClaim = (m) => Object.fromEntries(Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +(v / 1024 / n).toFixed(2)]));
  const d = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
  const bytes = checkpointFile(env.PULUMI_BACKEND_URL.replace(/^file:\/\//, ""), project, stack);
  return {
    bytes, kbPerClaim: +(bytes / 1024 / n).toFixed(1), compactBytes: JSON.stringify(JSON.parse(text)).length, resources: resources.length, byType,
    kbPerClaimByField: perClaim(fields), kbPerClaimByOutputsMetadataField: perClaim(metadata),
    ...(d ? { oneDeployment: { resource: keySizes(d), outputs: keySizes(d.outputs), outputsMetadata: keySizes(d.outputs?.metadata) } } : {}),
  };
}

/** `ocdp status --wait`: every claim ready within the bound, or the bench says which are not. */
export function waitReady(dir, env, n, stack = "bench", bound = "5m") {
  const t0 = Date.now();
  let out;
  try {
    out = execFileSync(process.execPath, [join(dir, "bin", "ocdp.js"), "status", "--stack", stack, "--json", "--wait", bound], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 28 });
  } catch (e) {
    out = String(e.stdout ?? "");
  }
  const seconds = +((Date.now() - t0) / 1000).toFixed(1);
  let ready = 0;
  try { ready = Object.values(JSON.parse(out).claims ?? JSON.parse(out)).filter((c) => c.state === "ready").length; } catch { /* reported below */ }
  log(`ready: ${ready}/${n} claims after ${seconds} s (bound ${bound})`);
  return { seconds, ready, of: n, bound };
}

function kubectlJson(kubeconfig, args) {
  return JSON.parse(execFileSync("kubectl", ["--kubeconfig", kubeconfig, ...args, "-o", "json"], { encoding: "utf8", maxBuffer: 1 << 30 }));
}

/** The objects the baseline applies: the render, the namespaces, the CRDs and the records as applied. */
export function baselineObjects(dir, env, kubeconfig) {
  const rendered = JSON.parse(execFileSync(process.execPath, [join(dir, "bin", "ocdp.js"), "render", "--stack", "bench", "--format", "json"], { cwd: dir, env, encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "ignore"] }));
  const objects = Object.values(rendered).flat();
  const namespaces = [...new Map(objects.filter((o) => o.metadata?.namespace).map((o) => [o.metadata.namespace, o])).values()]
    .map((o) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: o.metadata.namespace, labels: { "ocdp.io/workspace": o.metadata.labels?.["ocdp.io/workspace"] ?? "" } } }));
  const { crdManifests } = require(join(dir, "dist", "src", "pulumi", "crds.js"));
  const records = kubectlJson(kubeconfig, ["get", "workloadclaims.ocdp.io,workloads.ocdp.io", "-A"]).items
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels }, spec: o.spec }));
  // The render carries the stack's apply annotations (skipAwait, timeoutSeconds) as the program applies them.
  return [...crdManifests(), ...namespaces, ...objects, ...records];
}

export const BASELINE_PROGRAM = `// Baseline: the same pre-rendered objects through one ConfigGroup. It orders them as Chart v4 and
// Directory v2 do (cli-utils): CRDs before their resources, namespaces before their objects, and each
// workload after the volumes and config its depends-on annotation names (the render prints it).
const k8s = require("@pulumi/kubernetes");
const { readFileSync } = require("fs");
const { join } = require("path");
const objs = JSON.parse(readFileSync(join(__dirname, "objects.json"), "utf8"));
const provider = new k8s.Provider("local", { kubeconfig: join(__dirname, "..", ".cluster-baseline", "kubeconfig") });
new k8s.yaml.v2.ConfigGroup("objects", { objs }, { provider });
`;

/** Steps that leave the state as it was are run REPEAT times: the median run, and every run's seconds. */
export const REPEAT = 3;
function medianOf(runs) {
  const m = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
  return { ...m, runs: runs.map((r) => r.seconds) };
}
async function repeated(run) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await run());
  return medianOf(runs);
}

/**
 * The same step of both executors, taken in turns REPEAT times (program, baseline, program, ...): a
 * machine whose speed drifts over minutes (one run here varies by ~15%) weighs on both alike.
 */
async function interleaved(p, b) {
  const runs = { p: [], b: [] };
  for (let i = 0; i < REPEAT; i++) {
    runs.p.push(await p());
    runs.b.push(await b());
  }
  return [medianOf(runs.p), medianOf(runs.b)];
}

/**
 * The engine's knobs, each on the no-change preview or up of the deployed program: what a user could
 * switch on, measured beside the default in the same run. The last one leaves the checkpoint compressed.
 */
async function profileKnobs(dir, env, n) {
  const out = {};
  const knob = async (name, args, extra, check) => {
    out[name] = await step(`program ${name}`, dir, { ...env, ...extra }, [...args, "--stack", "bench"], check);
  };
  await knob("previewNoChangeDefault", ["preview"], {}, expectNoChanges);
  await knob("previewNoChangeParallelDiff", ["preview"], { PULUMI_PARALLEL_DIFF: "true" }, expectNoChanges);
  await knob("previewNoChangeParallel64", ["preview"], { PULUMI_PARALLEL: "64" }, expectNoChanges);
  await knob("upNoChangeSkipCheckpoints", ["up", "--yes", "--skip-preview"], { PULUMI_SKIP_CHECKPOINTS: "true" }, expectNoChanges);
  await knob("upNoChangeGzipCheckpoint", ["up", "--yes", "--skip-preview"], { PULUMI_DIY_BACKEND_GZIP: "true" }, expectNoChanges);
  out.gzipCheckpointBytes = checkpointFile(env.PULUMI_BACKEND_URL.replace(/^file:\/\//, ""), "ocdp", "bench");
  out.gzipKbPerClaim = +(out.gzipCheckpointBytes / 1024 / n).toFixed(1);
  log(`checkpoint compressed: ${out.gzipCheckpointBytes} bytes, ${out.gzipKbPerClaim} KB per claim`);
  return out;
}

/** The whole real-executor run for N claims; `profile` adds the engine knobs. */
export async function benchPulumi(n, { profile = false, engineEnv = {} } = {}) {
  const dir = scratch("ocdp-bench-pulumi-");
  const env = pulumiEnv(dir, engineEnv);
  const clusterDir = join(dir, ".cluster");
  log(`${n} claims through pulumi in ${dir}`);
  execFileSync(PULUMI, ["plugin", "install", "resource", "kubernetes", `v${PROVIDER}`, "--file", join(root, ".tools", "bin", "pulumi-resource-kubernetes"), "--non-interactive"], { env, stdio: "ignore" });
  writeStack(dir, claims(n));
  execFileSync(PULUMI, ["stack", "init", "bench", "--non-interactive"], { cwd: dir, env, stdio: "ignore" });
  const demand = sizeForStack("bench", dir);
  const size = { ...demand };
  const t0 = Date.now();
  await clusterUp({ dir: clusterDir, ...demand });
  size.clusterUpSeconds = +((Date.now() - t0) / 1000).toFixed(1);
  // The render the baseline is given, and that fills the render cache the program and its post-renderers read.
  const r0 = Date.now();
  execFileSync(process.execPath, [join(dir, "bin", "ocdp.js"), "render", "--stack", "bench", "--out", join(dir, ".bench-render")], { cwd: dir, env, stdio: "ignore" });
  const offlineRenderSeconds = +((Date.now() - r0) / 1000).toFixed(1);

  // Both clusters live through the whole run, so each executor works beside the same background load.
  const bclusterDir = join(dir, ".cluster-baseline");
  await clusterUp({ dir: bclusterDir, ...demand });
  const bdir = join(dir, "baseline");
  const P = (label, args, check) => step(`program ${label}`, dir, env, [...args, "--stack", "bench"], check);
  const B = (label, args, check) => step(`baseline ${label}`, bdir, env, [...args, "--stack", "baseline"], check);
  const UP = ["up", "--yes", "--skip-preview"];
  const program = {};
  const baseline = {};
  let objects;
  try {
    program.previewEmpty = await repeated(() => P("preview, empty state", ["preview"]));
    program.up = await P("up", UP);
    program.ready = waitReady(dir, env, n);

    // The baseline: the objects the program applied, through one ConfigGroup on its own cluster.
    objects = baselineObjects(dir, env, join(clusterDir, "kubeconfig"));
    mkdirSync(bdir, { recursive: true });
    symlinkSync(join(root, "node_modules"), join(bdir, "node_modules"));
    writeFileSync(join(bdir, "Pulumi.yaml"), "name: ocdp-baseline\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(bdir, "index.js"), BASELINE_PROGRAM);
    writeFileSync(join(bdir, "objects.json"), JSON.stringify(objects));
    execFileSync(PULUMI, ["stack", "init", "baseline", "--non-interactive"], { cwd: bdir, env, stdio: "ignore" });
    // `ocdp status` of the same claims on the baseline's cluster.
    const statusStack = yaml.load(readFileSync(join(dir, "stacks", "Pulumi.bench.yaml"), "utf8"));
    statusStack.config["ocdp:cluster"].kubeconfig = ".cluster-baseline/kubeconfig";
    delete statusStack.encryptionsalt;
    writeFileSync(join(dir, "stacks", "Pulumi.bench-baseline.yaml"), yaml.dump(statusStack));
    baseline.previewEmpty = await repeated(() => B("preview, empty state", ["preview"]));
    baseline.up = await B("up", UP);
    baseline.ready = waitReady(dir, env, n, "bench-baseline");

    [program.previewNoChange, baseline.previewNoChange] = await interleaved(
      () => P("preview, nothing changed", ["preview"], expectNoChanges), () => B("preview, nothing changed", ["preview"], expectNoChanges));
    [program.upNoChange, baseline.upNoChange] = await interleaved(
      () => P("up, nothing changed", UP, expectNoChanges), () => B("up, nothing changed", UP, expectNoChanges));
    program.state = stateOf(dir, env, "ocdp", "bench", n);
    baseline.state = stateOf(bdir, env, "ocdp-baseline", "baseline", n);

    writeStack(dir, claims(n, Math.min(4, n - 1)));
    program.upOneChange = await P("up, one claim changed", UP, expectUpdates);
    if (profile) program.profile = await profileKnobs(dir, env, n);
    writeFileSync(join(bdir, "objects.json"), JSON.stringify(baselineObjects(dir, env, join(clusterDir, "kubeconfig"))));
    baseline.upOneChange = await B("up, one claim changed", UP, expectUpdates);
  } finally {
    for (const d of [clusterDir, bclusterDir]) await clusterDown({ dir: d }).catch((e) => log(`cluster down: ${e.message}`));
  }
  rmSync(dir, { recursive: true, force: true });

  const steps = ["previewEmpty", "up", "previewNoChange", "upNoChange", "upOneChange"];
  const ratios = Object.fromEntries(steps.map((s) => [`${s}OverBaseline`, +(program[s].seconds / baseline[s].seconds).toFixed(2)]));
  return {
    claims: n, objects: objects.length, cluster: size, offlineRenderSeconds, program, baseline, ratios,
    targets: {
      previewNoChangeAtMost1_5xBaseline: ratios.previewNoChangeOverBaseline <= 1.5,
      upAtMost1_3xBaseline: ratios.upOverBaseline <= 1.3,
      stateAtMost16KBPerClaim: program.state.kbPerClaim <= 16,
      allReady: program.ready.ready === n && baseline.ready.ready === n,
    },
  };
}
