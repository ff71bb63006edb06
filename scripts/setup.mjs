#!/usr/bin/env node
// Installs every pinned tool into .tools/bin, building from the Go module proxy. Binaries are kept in a
// per-user cache keyed by tool and version (outside the checkout), so a second run, or a fresh clone on
// the same machine, only links them (seconds). Usage: node scripts/setup.mjs [--only helm,kustomize]
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, readlinkSync, lstatSync, chmodSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { tools } from "./toolchain.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, ".tools", "bin");
const cacheRoot = process.env.OCDP_TOOLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "ocdp-tools");
const only = (() => {
  const i = process.argv.indexOf("--only");
  return i > 0 ? new Set(process.argv[i + 1].split(",")) : undefined;
})();

const goEnv = { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOFLAGS: "-mod=mod" };
const log = (msg) => process.stderr.write(`[setup] ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: goEnv, maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ""}):\n${out}`);
  }
  return r.stdout.trim();
}

/** A tool already on PATH counts only when it reports exactly the pinned version. */
function onPath(tool) {
  if (!tool.probe) return undefined;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const bin = join(dir, tool.bins[0]);
    if (!dir || resolve(dir) === binDir || !existsSync(bin)) continue;
    const r = spawnSync(bin, tool.probe.args, { encoding: "utf8" });
    if (r.status === 0 && `${r.stdout}${r.stderr}`.includes(tool.probe.expect)) return bin;
  }
  return undefined;
}

function ldflags(tool) {
  return ["-s", "-w", ...(tool.ldflags ?? [])].join(" ");
}

function buildInstall(tool, out) {
  run("go", ["install", "-trimpath", "-ldflags", ldflags(tool), `${tool.install}@v${tool.version}`],
    { env: { ...goEnv, GOBIN: out } });
}

/** A generated module that pins the tool and repeats the replaces upstream keeps local. */
function buildWrapper(tool, out, work) {
  const w = tool.wrapper;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const lines = [`module ocdp.local/build/${tool.name}`, "", "go 1.26", ""];
  if (w.godebug) lines.push(`godebug ${w.godebug}`, "");
  for (const [from, to] of Object.entries(w.replace ?? {})) lines.push(`replace ${from} => ${to}`);
  lines.push("", "require (", ...Object.entries(w.require).map(([m, v]) => `\t${m} ${v}`), ")", "");
  writeFileSync(join(work, "go.mod"), lines.join("\n"));
  // Each package at the version of the module that holds it (the longest required prefix).
  const versionOf = (p) => Object.keys(w.require).filter((m) => p === m || p.startsWith(`${m}/`))
    .sort((a, b) => b.length - a.length).map((m) => w.require[m])[0];
  run("go", ["get", ...w.packages.map((p) => `${p}@${versionOf(p)}`),
    ...Object.entries(w.require).map(([m, v]) => `${m}@${v}`)], { cwd: work });
  let targets = w.packages;
  if (w.localMain) {
    const modDir = run("go", ["list", "-m", "-f", "{{.Dir}}", w.localMain.module], { cwd: work });
    const dst = join(work, w.localMain.dir);
    cpSync(join(modDir, w.localMain.dir), dst, { recursive: true });
    execFileSync("chmod", ["-R", "u+w", dst]);
    rmSync(join(dst, "generate.go"), { force: true });
    // What upstream's generate.go does: stamp the version into the schema, compact the mapping.
    const schema = JSON.parse(readFileSync(join(dst, "schema.json"), "utf8"));
    schema.version = tool.version;
    writeFileSync(join(dst, "schema-embed.json"), JSON.stringify(schema));
    writeFileSync(join(dst, "terraform-mapping-embed.json"),
      JSON.stringify(JSON.parse(readFileSync(join(dst, "terraform-mapping.json"), "utf8"))));
    targets = [`./${w.localMain.dir}`];
  }
  const args = ["build", "-trimpath", "-ldflags", ldflags(tool)];
  if (tool.tags) args.push("-tags", tool.tags);
  if (targets.length === 1) args.push("-o", join(out, tool.bins[0]), targets[0]);
  else args.push("-o", `${out}/`, ...targets);
  run("go", args, { cwd: work });
}

function copyAssets(tool, out) {
  const a = tool.assets;
  const dir = run("go", ["mod", "download", "-json", `${a.module}@v${tool.version}`]);
  const modDir = JSON.parse(dir).Dir;
  const dst = join(out, "..", "share", tool.name);
  mkdirSync(dst, { recursive: true });
  for (const f of a.files) {
    const to = join(dst, f.split("/").pop());
    cpSync(join(modDir, f), to);
    chmodSync(to, 0o644);
  }
}

function link(target, name) {
  const at = join(binDir, name);
  try {
    if (lstatSync(at).isSymbolicLink() && readlinkSync(at) === target) return;
    rmSync(at, { force: true });
  } catch { /* absent */ }
  symlinkSync(target, at);
}

function setupTool(tool) {
  const t0 = Date.now();
  const found = onPath(tool);
  if (found) {
    link(found, tool.bins[0]);
    log(`${tool.name} ${tool.version}: using ${found} (version matches)`);
    return;
  }
  const home = join(cacheRoot, tool.name, tool.version);
  const out = join(home, "bin");
  const stamp = join(home, "ok");
  if (!existsSync(stamp)) {
    log(`${tool.name} ${tool.version}: building (cold builds take minutes)...`);
    rmSync(home, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    if (tool.install) buildInstall(tool, out);
    else buildWrapper(tool, out, join(home, "src"));
    if (tool.assets) copyAssets(tool, out);
    rmSync(join(home, "src"), { recursive: true, force: true });
    writeFileSync(stamp, `${new Date().toISOString()} ${Math.round((Date.now() - t0) / 1000)}s\n`);
    log(`${tool.name} ${tool.version}: built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  } else {
    log(`${tool.name} ${tool.version}: cached`);
  }
  for (const b of tool.bins) link(join(out, b), b);
  if (tool.bundleWith) {
    // A "bundled" plugin is looked up next to the real pulumi binary (symlinks resolved), not on PATH.
    const owner = tools.find((t) => t.name === tool.bundleWith);
    const ownerBin = join(cacheRoot, owner.name, owner.version, "bin");
    for (const b of tool.bins) {
      const at = join(ownerBin, b);
      if (existsSync(ownerBin)) { rmSync(at, { force: true }); symlinkSync(join(out, b), at); }
    }
  }
  if (tool.assets) {
    const share = join(root, ".tools", "share");
    mkdirSync(share, { recursive: true });
    const at = join(share, tool.name);
    rmSync(at, { recursive: true, force: true });
    symlinkSync(join(home, "share", tool.name), at);
  }
}

/** System commands the tools and tests call; Debian packages, installed only when missing. */
function systemPackages() {
  // PostgreSQL: the server the team-backend test starts on loopback (its binaries live under
  // /usr/lib/postgresql/<major>/bin, not on PATH).
  const need = { git: "git", openssl: "openssl", make: "make", kubectl: "kubectl", "/usr/bin/time": "time", "/usr/lib/postgresql/*/bin/initdb": "postgresql", runuser: "util-linux" };
  const missing = Object.entries(need).filter(([cmd]) => spawnSync("sh", ["-c", cmd.startsWith("/") ? `ls ${cmd} >/dev/null 2>&1` : `command -v ${cmd}`]).status !== 0);
  if (!missing.length) return;
  const pkgs = missing.map(([, p]) => p).filter((p) => p !== "kubectl");
  if (missing.some(([c]) => c === "kubectl")) log("kubectl is not on PATH: the machine image provides it; the cluster scripts need it");
  if (!pkgs.length) return;
  log(`installing Debian packages: ${pkgs.join(" ")}`);
  run("apt-get", ["update", "-qq"]);
  run("apt-get", ["install", "-y", "-qq", ...pkgs], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

const t0 = Date.now();
mkdirSync(binDir, { recursive: true });
systemPackages();
let failed = 0;
for (const tool of tools) {
  if (only && !only.has(tool.name)) continue;
  try {
    setupTool(tool);
  } catch (e) {
    failed++;
    log(`${tool.name} ${tool.version}: FAILED\n${e.message}`);
  }
}
log(`done in ${((Date.now() - t0) / 1000).toFixed(1)}s; tools in ${binDir}`);
process.exit(failed ? 1 : 0);
