// Test helpers: throwaway copies of the project (sharing node_modules, dist and the pinned tools) and
// the real `ocdp` command run in them.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import yaml from "js-yaml";

export const ROOT = resolve(__dirname, "..", "..");

const made: string[] = [];
// node --test runs each test file in its own process: what a file made goes when it ends.
process.on("exit", () => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function scratchProject(): string {
  const dir = tempDir("ocdp-test-");
  const r = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
  for (const f of r.stdout.split("\0").filter(Boolean)) {
    if (!existsSync(join(ROOT, f))) continue;
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  for (const keep of ["node_modules", "dist", ".tools"]) {
    if (existsSync(join(ROOT, keep))) symlinkSync(join(ROOT, keep), join(dir, keep));
  }
  return dir;
}

export function readYaml(path: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return yaml.load(readFileSync(path, "utf8"));
}

/**
 * stacks/Pulumi.<name>.yaml: the base stack's config with other claims (and optional overrides). Unless
 * `extra` sets `ocdp:access`, each claim's workspace is added to the directory with its owner as a
 * member, so that tests of other rules need not spell out membership; tests of the directory set it.
 */
export function writeStack(dir: string, base: string, name: string, claims: unknown[], extra: Record<string, unknown> = {}): void {
  const doc = readYaml(join(dir, "stacks", `Pulumi.${base}.yaml`));
  const access = structuredClone(doc.config["ocdp:access"] ?? {});
  access.workspaces ??= {};
  for (const c of claims as { workspaceId?: unknown; owner?: { user?: unknown } }[]) {
    if (typeof c?.workspaceId !== "string" || typeof c.owner?.user !== "string") continue;
    const w = access.workspaces[c.workspaceId] ??= {};
    w.users = [...new Set([...(w.users ?? []), c.owner.user])];
  }
  doc.config = { ...doc.config, "ocdp:claims": claims, "ocdp:access": access, ...extra };
  writeFileSync(join(dir, "stacks", `Pulumi.${name}.yaml`), yaml.dump(doc, { noRefs: true }));
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export function ocdp(dir: string, args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "ocdp.js"), ...args], { cwd: dir, encoding: "utf8", input, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function docs(text: string): any[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (yaml.loadAll(text) as unknown[]).filter(Boolean);
}

export const STACK_TRACE = /\n\s+at .+\(.+:\d+:\d+\)/;

/** Like `ocdp`, without blocking the event loop (for tests that serve something in-process). */
export function ocdpAsync(dir: string, args: string[], timeout = 120_000, env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, "bin", "ocdp.js"), ...args], { cwd: dir, encoding: "utf8", timeout, maxBuffer: 1 << 26, ...(env ? { env } : {}) },
      (err, out, errOut) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out, err: errOut }));
  });
}

/** git with a fixed identity (tests commit in scratch repositories). */
export function git(cwd: string, ...args: string[]): string {
  return spawnSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).stdout.trim();
}

/** A scratch project that is a git repository with one commit ("base") of everything. */
export function gitScratchProject(): string {
  const dir = scratchProject();
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "base");
  return dir;
}

/** Replaces `from` by `to` in a project file; fails the test if `from` is not there. */
export function editFile(dir: string, file: string, from: string, to: string): void {
  const f = join(dir, file);
  const text = readFileSync(f, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  writeFileSync(f, text.replace(from, to));
}
