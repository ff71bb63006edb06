// A stack rendered as it was at a Git ref: the ref checked out in a temporary worktree (manifests
// tree, templates, stacks and charts as they were), rendered with this ocdp, per claim.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { resolveEach } from "../catalog/resolve";
import { ValidationError, formatIssue } from "../config/errors";
import { loadProject, loadStack } from "../config/load";
import type { RenderContext } from "../render/pipeline";
import { renderClaims } from "../render/stack";
import type { ClaimRender } from "./compare";

export async function withWorktree<T>(repo: string, ref: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = join(mkdtempSync(join(tmpdir(), "ocdp-diff-")), "tree");
  const add = await execa("git", ["-C", repo, "worktree", "add", "--detach", "--quiet", dir, ref], { reject: false });
  if (add.exitCode !== 0) {
    rmSync(join(dir, ".."), { recursive: true, force: true });
    throw new ValidationError([{ field: "--base/--head", rule: `git ref ${JSON.stringify(ref)}: ${add.stderr.trim()}` }]);
  }
  try {
    return await fn(dir);
  } finally {
    await execa("git", ["-C", repo, "worktree", "remove", "--force", dir], { reject: false });
    rmSync(join(dir, ".."), { recursive: true, force: true });
  }
}

/** Every claim of `stack` in the project at `dir`: objects, or the reason it did not render. */
export async function renderStackAt(dir: string, stack: string, base: Omit<RenderContext, "projectRoot">): Promise<Map<string, ClaimRender>> {
  const ctx: RenderContext = { ...base, projectRoot: dir };
  const out = new Map<string, ClaimRender>();
  const config = loadStack(loadProject(dir), stack);
  const { resolved, issues } = await resolveEach(config, ctx);
  for (const claim of config.claims) {
    // A claim's own problems, and those of its template (which name no claim).
    const mine = issues.filter((i) => i.claim === claim.name || (!i.claim && i.template === claim.templateId));
    if (mine.length) out.set(claim.name, { error: mine.map(formatIssue).join("; ") });
  }
  const { rendered, failures } = await renderClaims(resolved, ctx);
  for (const r of rendered) out.set(r.claim.claim.name, { objects: r.objects });
  for (const f of failures) out.set(f.where.claim ?? f.message, { error: f.message });
  return out;
}
