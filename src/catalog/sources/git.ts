// Git presets: a bare mirror per repository URL, the ref resolved to a commit, and that commit's tree
// exported once into a folder keyed by commit (immutable, so shared safely by concurrent renders).
// A private repository (one with a login) has its own mirror, apart from the public one of the same URL,
// and is fetched with its login once in every process before anything of it is used: a stack without
// access cannot be served what a stack with access fetched (docs/admins.md#private-sources).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import type { SourceLogin } from "../../config/sourceCredentials";
import { gitEnv } from "./access";
import { checkTreeLinks } from "./treeHash";

export interface GitCheckout {
  commit: string;
  /** The tree at that commit (no .git). */
  dir: string;
}

const fetched = new Map<string, Promise<void>>();

/** A failed fetch, with git's own words (the caller redacts and classifies them). */
export class GitFetchError extends Error {}

async function git(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await execa("git", args, { reject: false, env: { ...gitEnv(), ...env } });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout.trim();
}

function key(url: string): string {
  return createHash("sha256").update(url).digest("hex").slice(0, 16);
}

/** Fetches `url` (once per process) and resolves `ref` to a commit; exports the tree at that commit. */
export async function checkout(cacheDir: string, url: string, ref: string, login?: SourceLogin): Promise<GitCheckout> {
  const mirrors = login ? join(cacheDir, "private", "git") : join(cacheDir, "git");
  const mirror = join(mirrors, `${key(login ? JSON.stringify([url, login.name, login.url, login.username]) : url)}.git`);
  const isSha = /^[0-9a-f]{40}$/.test(ref);
  let commit: string | undefined;
  if (isSha && !login && existsSync(mirror)) commit = await git(["--git-dir", mirror, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => undefined);
  if (!commit) {
    let f = fetched.get(mirror);
    if (!f) {
      f = (async () => {
        if (!existsSync(mirror)) {
          mkdirSync(mirrors, { recursive: true, mode: 0o700 });
          const tmp = `${mirror}.${process.pid}.tmp`;
          rmSync(tmp, { recursive: true, force: true });
          await git(["init", "--quiet", "--bare", tmp]);
          renameSync(tmp, mirror);
        }
        await git(["--git-dir", mirror, "fetch", "--quiet", "--prune", "--force", url,
          "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], gitEnv(login)).catch((e: Error) => {
          throw new GitFetchError(e.message);
        });
      })();
      fetched.set(mirror, f);
    }
    await f;
    commit = await git(["--git-dir", mirror, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => {
      throw new Error(`ref ${JSON.stringify(ref)} not found in ${url}`);
    });
  }
  const dir = join(cacheDir, "trees", commit);
  if (!existsSync(dir)) {
    const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
    mkdirSync(tmp, { recursive: true });
    // A private index: concurrent exports must not share the mirror's.
    await git(["--git-dir", mirror, "--work-tree", tmp, "checkout", "--quiet", "--force", commit, "--", "."],
      { GIT_INDEX_FILE: `${tmp}.index` });
    rmSync(`${tmp}.index`, { force: true });
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another render exported the same commit first
    }
  }
  // A link out of the exported tree would let the preset read the machine: refused as for a local tree.
  checkTreeLinks(dir);
  return { commit, dir };
}
