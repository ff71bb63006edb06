// Git refs from a command line, handled as untrusted input: never passed where git could read them as an
// option, resolved to a commit before use, and every temporary worktree removed whatever happens.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { shown, ValidationError } from "../../config/errors";

/** The commit a ref names. A ref that starts with "-" or names no commit is refused (exit 1). */
export async function resolveCommit(repo: string, ref: string, flag = "--base"): Promise<string> {
  const refuse = (why: string) => new ValidationError([{ field: flag, rule: `git ref ${shown(ref)}: ${why}` }]);
  if (!ref || ref.startsWith("-") || /[\0\n]/.test(ref)) throw refuse("not a ref (it must not start with '-')");
  // --end-of-options: whatever the ref holds, git reads it as a revision, never as an option.
  const r = await execa("git", ["-C", repo, "rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], { reject: false });
  if (r.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(r.stdout.trim())) throw refuse("names no commit in this repository");
  return r.stdout.trim();
}

/** `fn` on a temporary checkout of `commit` (a resolved sha); the worktree is removed on every path. */
export async function withWorktree<T>(repo: string, commit: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const parent = mkdtempSync(join(tmpdir(), "ocdp-diff-"));
  const dir = join(parent, "tree");
  try {
    const add = await execa("git", ["-C", repo, "worktree", "add", "--detach", "--quiet", dir, commit], { reject: false });
    if (add.exitCode !== 0) throw new ValidationError([{ field: "--base/--head", rule: `git worktree for ${commit.slice(0, 12)}: ${add.stderr.trim().split("\n")[0]}` }]);
    return await fn(dir);
  } finally {
    await execa("git", ["-C", repo, "worktree", "remove", "--force", dir], { reject: false });
    await execa("git", ["-C", repo, "worktree", "prune"], { reject: false });
    rmSync(parent, { recursive: true, force: true });
  }
}

/**
 * A regular file's bytes at a commit; undefined when the commit does not have it. A symlink or a
 * submodule (gitlink) at that path is refused: its blob is a link target or nothing, not the file.
 */
export async function showFile(repo: string, commit: string, path: string): Promise<Buffer | undefined> {
  const ls = await execa("git", ["-C", repo, "ls-tree", "-z", "--full-tree", commit, "--", path], { reject: false });
  const entry = ls.stdout.split("\0").find((e) => e.endsWith(`\t${path}`));
  if (!entry) return undefined;
  const mode = entry.split(" ")[0];
  if (mode !== "100644" && mode !== "100755") {
    throw new ValidationError([{ field: `${path} at ${commit.slice(0, 12)}`, rule: `must be a regular file (git mode ${mode} is a ${mode === "120000" ? "symlink" : mode === "160000" ? "submodule" : "directory"})` }]);
  }
  const r = await execa("git", ["-C", repo, "cat-file", "blob", `${commit}:${path}`], { reject: false, encoding: null });
  return r.exitCode === 0 ? (r.stdout as unknown as Buffer) : undefined;
}

/** Paths changed between a commit and another commit, or the working tree (untracked files included). */
export async function changedFiles(repo: string, base: string, head?: string): Promise<string[]> {
  const diff = await execa("git", ["-C", repo, "diff", "--name-only", "-z", "--no-renames", base, ...(head ? [head] : []), "--"]);
  const files = diff.stdout.split("\0").filter(Boolean);
  if (!head) {
    const untracked = await execa("git", ["-C", repo, "ls-files", "--others", "--exclude-standard", "-z"]);
    files.push(...untracked.stdout.split("\0").filter(Boolean));
  }
  return [...new Set(files)].sort();
}
