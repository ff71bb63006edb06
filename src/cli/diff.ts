import { credentialUnreadable } from "../catalog/sources/access";
import { diffStack } from "./diff/compare";
import { formatMarkdown, formatText } from "./diff/format";
import { resolveCommit, withWorktree } from "./diff/gitRef";
import { renderStackAt, type StackAt } from "./diff/renderRef";
import { UsageError, ValidationError } from "../config/errors";
import { credentialsReader, openProject, parse, renderContext, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp diff --stack <name> --base <git-ref> [--head <git-ref>] [--format text|markdown|json]

Renders the stack at --base and at --head (default: the working tree), each from the manifests tree,
templates, stacks and charts as they are at that ref, and compares the objects of every claim by
identity (apiVersion/kind/namespace/name): claims added, removed, changed or failing to render;
objects added, removed, changed with field paths and old -> new values. Removing a
PersistentVolumeClaim or Namespace is flagged as data-bearing; Secret values are never printed. A
stack that exists at one ref only is all claims added (or removed); budgets broken at head are listed,
and each budgeted workspace's ResourceQuota is compared as an entry workspace/<ws>.
--format markdown is a pull-request comment, bounded for any number of claims: counts per template and
workspace, the first claims, "and N more", details folded, under 65,536 characters.
No cluster is needed; a stack with private chart or preset sources (ocdp:sourceCredentials) needs its passphrase.
Exit codes (like git diff --exit-code): 0 no changes, 3 changes, 1 invalid input (a claim that fails
at head, a budget broken at head, a bad ref, a stack at neither ref), 2 usage error.`;

export const diffCommand: Command = {
  summary: "what a change does to a stack's objects, between two git refs (no cluster)",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, base: { type: "string" }, head: { type: "string" }, format: { type: "string" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const baseRef = requireOpt(o.base, "base", usage);
    const format = o.format ?? "text";
    if (!["text", "markdown", "json"].includes(format)) throw new UsageError(`--format must be text, markdown or json\n\n${usage}`);
    const project = openProject(o.project);
    const { cacheDir, renderCache } = renderContext(project);
    const shared = { cacheDir, renderCache };
    // Private sources' logins, decrypted through Pulumi from this checkout's stack when a ref needs one.
    const readCredentials = credentialsReader(project, stack);
    // Both refs checked before anything is checked out: a bad ref costs nothing and leaves nothing.
    const baseCommit = await resolveCommit(project.root, baseRef, "--base");
    const headCommit = o.head ? await resolveCommit(project.root, o.head, "--head") : undefined;
    const at = (commit: string | undefined): Promise<StackAt> => (commit
      ? withWorktree(project.root, commit, (dir) => renderStackAt(dir, stack, shared, readCredentials))
      : renderStackAt(project.root, stack, shared, readCredentials));
    const base = await at(baseCommit);
    const head = await at(headCommit);
    if (!base.exists && !head.exists) {
      throw new ValidationError([{ stack, field: "--stack", rule: `no stack ${stack} at ${baseRef} or at ${o.head ?? "the working tree"} (stacks/Pulumi.${stack}.yaml)` }]);
    }
    const diffs = diffStack(base.claims, head.claims);
    // Workspaces whose GPUs or running/stopped claims change: stopping a claim shows its GPUs going back.
    const load = [...new Set([...Object.keys(base.workspaces), ...Object.keys(head.workspaces)])].sort().flatMap((workspace) => {
      const [b, h] = [base.workspaces[workspace] ?? { gpus: 0, running: 0, stopped: 0 }, head.workspaces[workspace] ?? { gpus: 0, running: 0, stopped: 0 }];
      if (b.gpus === h.gpus && b.running === h.running && b.stopped === h.stopped) return [];
      return [{ workspace, gpus: [b.gpus, h.gpus] as [number, number], running: [b.running, h.running] as [number, number], stopped: [b.stopped, h.stopped] as [number, number] }];
    });
    const budget = { base: base.budget, head: head.budget, load };
    if (format === "json") process.stdout.write(`${JSON.stringify({ stack, base: baseRef, head: o.head ?? "working tree", exists: { base: base.exists, head: head.exists }, budget, claims: diffs }, null, 2)}\n`);
    else if (format === "markdown") process.stdout.write(formatMarkdown(stack, diffs, undefined, budget));
    else process.stdout.write(formatText(stack, diffs, budget));
    // A claim whose private source's credential this job cannot read (a pull request's diff holds no
    // passphrase) is shown failed with why, but does not make the change invalid: the cluster preview,
    // which holds it, renders that claim.
    if (diffs.some((d) => d.errors?.head && !credentialUnreadable(d.errors.head)) || head.budget.length) return 1;
    return diffs.some((d) => d.status !== "unchanged") ? 3 : 0;
  },
};
