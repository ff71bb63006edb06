// A stack rendered as it was at a Git ref: the ref checked out in a temporary worktree (manifests
// tree, templates, stacks and charts as they were), rendered with this ocdp, per claim.
import { sourceAccess } from "../../catalog/sources/access";
import type { SourceCredential } from "../../config/sourceCredentials";
import { resolveEach } from "../../catalog/resolve";
import { existsSync } from "node:fs";
import { formatIssue } from "../../config/errors";
import { loadProject, loadStack, stackFile } from "../../config/load";
import { assess } from "../../steps/usage/assess";
import { QUOTA_TEMPLATE } from "./format";
import type { RenderContext } from "../../offline/pipeline";
import { renderClaims } from "../../offline/stack";
import type { ClaimRender } from "./compare";
import { secretValuesOf } from "../../steps/secretValues";

/** A stack as it renders at one ref: absent (the ref has no such stack), or its claims and budgets. */
export interface StackAt {
  exists: boolean;
  claims: Map<string, ClaimRender>;
  /** Budgets broken at this ref. */
  budget: string[];
  /** Per workspace: the GPUs its claims take, and how many claims run and are stopped. */
  workspaces: Record<string, WorkspaceLoad>;
}

export interface WorkspaceLoad { gpus: number; running: number; stopped: number }

/**
 * Every claim of `stack` in the project at `dir`: objects, or the reason it did not render; each
 * budgeted workspace's quota as an entry `workspace/<ws>`; and the budgets broken.
 */
/**
 * `readCredentials`: the stack's decrypted ocdp:sourceCredentials (Pulumi reads them from the checkout's
 * stack), asked for only when a source of this ref's templates needs one.
 */
export async function renderStackAt(dir: string, stack: string, base: Omit<RenderContext, "projectRoot" | "sources">,
  readCredentials?: () => Promise<Record<string, SourceCredential>>): Promise<StackAt> {
  const out = new Map<string, ClaimRender>();
  const project = loadProject(dir);
  if (!existsSync(stackFile(project, stack))) return { exists: false, claims: out, budget: [], workspaces: {} };
  const config = loadStack(project, stack);
  const ctx: RenderContext = { ...base, projectRoot: dir, ...(readCredentials ? { sources: sourceAccess(stack, config.sourceUrls, readCredentials) } : {}) };
  const { resolved, issues } = await resolveEach(config, ctx);
  const at = (c: { templateId: string; workspaceId: string; state?: string }) => ({ template: c.templateId, workspace: c.workspaceId, ...(c.state === "stopped" ? { stopped: true } : {}) });
  for (const claim of config.claims) {
    // A claim's own problems, and those of its template (which name no claim).
    const mine = issues.filter((i) => i.claim === claim.name || (!i.claim && i.template === claim.templateId));
    if (mine.length) out.set(claim.name, { error: mine.map(formatIssue).join("; "), ...at(claim) });
  }
  const { rendered, failures } = await renderClaims(resolved, ctx);
  for (const r of rendered) out.set(r.claim.claim.name, { objects: r.objects, secrets: secretValuesOf(r.claim.inputs, r.claim.values), ...at(r.claim.claim) });
  for (const f of failures) {
    const c = config.claims.find((x) => x.name === f.where.claim);
    out.set(f.where.claim ?? f.message, { error: f.message, ...(c ? at(c) : { template: "", workspace: "" }) });
  }
  const a = assess(config, rendered.map((r) => ({ claim: r.claim.claim.name, workspace: r.claim.claim.workspaceId, objects: r.objects })));
  for (const q of a.quotas) out.set(`workspace/${q.workspace}`, { objects: [q.object], template: QUOTA_TEMPLATE, workspace: q.workspace });
  const workspaces: Record<string, WorkspaceLoad> = {};
  for (const c of config.claims) {
    const w = workspaces[c.workspaceId] ??= { gpus: 0, running: 0, stopped: 0 };
    if (c.state === "stopped") w.stopped++;
    else w.running++;
  }
  for (const u of a.usages) workspaces[u.workspace].gpus += u.amounts["nvidia.com/gpu"];
  return { exists: true, claims: out, budget: a.issues.map(formatIssue), workspaces };
}
