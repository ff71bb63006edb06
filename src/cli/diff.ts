import { diffStack } from "../diff/compare";
import { formatMarkdown, formatText } from "../diff/format";
import { renderStackAt, withWorktree } from "../diff/renderRef";
import { UsageError } from "../config/errors";
import { openProject, parse, renderContext, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp diff --stack <name> --base <git-ref> [--head <git-ref>] [--format text|markdown|json]

Renders the stack at --base and at --head (default: the working tree), each from the manifests tree,
templates, stacks and charts as they are at that ref, and compares the objects of every claim by
identity (apiVersion/kind/namespace/name): claims added, removed, changed or failing to render;
objects added, removed, changed with field paths and old -> new values. Removing a
PersistentVolumeClaim or Namespace is flagged as data-bearing; Secret values are never printed.
--format markdown is a pull-request comment (summary table, details folded, under 65,536 characters).
No cluster and no credentials are needed.
Exit codes (like git diff --exit-code): 0 no changes, 3 changes, 1 invalid input (a claim that fails
at head, a bad ref or stack), 2 usage error.`;

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
    const base = await withWorktree(project.root, baseRef, (dir) => renderStackAt(dir, stack, shared));
    const head = o.head ? await withWorktree(project.root, o.head, (dir) => renderStackAt(dir, stack, shared)) : await renderStackAt(project.root, stack, shared);
    const diffs = diffStack(base, head);
    if (format === "json") process.stdout.write(`${JSON.stringify({ stack, base: baseRef, head: o.head ?? "working tree", claims: diffs }, null, 2)}\n`);
    else if (format === "markdown") process.stdout.write(formatMarkdown(stack, diffs));
    else process.stdout.write(formatText(stack, diffs));
    if (diffs.some((d) => d.errors?.head)) return 1;
    return diffs.some((d) => d.status !== "unchanged") ? 3 : 0;
  },
};
