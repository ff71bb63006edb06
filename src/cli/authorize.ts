import { Directory } from "../catalog/directory";
import { mergeAccess } from "../config/access";
import { shown, UsageError, ValidationError } from "../config/errors";
import { accessSchema } from "../config/schema";
import type { Access } from "../config/types";
import { check } from "../config/validate";
import { changedFiles, resolveCommit } from "./diff/gitRef";
import { authorize, type Verdict } from "./gate/authorize";
import { snapshotAt } from "./gate/snapshot";
import { openProject, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp authorize --stack <name> --base <git-ref> [--head <git-ref>] (--actor <user> | --github <login>) [--format text|json]

The pull-request gate. Lists every change to the stack between --base and --head (default: the
working tree) with a verdict for the actor: a claim added, changed or removed must be owned by the
actor before and after, and land in a workspace the actor may use; any change to templates, policy,
access, cluster or credentials (ocdp:* keys), to presets, charts, Pulumi.yaml, workflows or code needs
an admin. Admins, groups and workspace members are read from the directory (ocdp:access) at --base,
so a change cannot grant itself what it asks for. Run it for every stack a change touches.
  --actor    the directory user who made the change
  --github   their login on GitHub instead, mapped through ocdp:access.users.<user>.github at --base
Exit codes: 0 allowed (or no change), 4 refused, 1 invalid input (a bad ref, an unknown stack, a
directory that does not parse), 2 usage error.`;

export const authorizeCommand: Command = {
  summary: "the pull-request gate: may this actor make these changes to a stack?",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, {
      stack: { type: "string" }, base: { type: "string" }, head: { type: "string" }, actor: { type: "string" }, github: { type: "string" }, format: { type: "string" },
    }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const baseRef = requireOpt(o.base, "base", usage);
    if (!o.actor === !o.github) throw new UsageError(`exactly one of --actor and --github is required\n\n${usage}`);
    const format = o.format ?? "text";
    if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json\n\n${usage}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new ValidationError([{ field: "--stack", rule: `not a stack name: ${shown(stack)}` }]);
    const root = openProject(o.project).root;
    const baseCommit = await resolveCommit(root, baseRef, "--base");
    const headCommit = o.head ? await resolveCommit(root, o.head, "--head") : undefined;
    const base = await snapshotAt(root, stack, baseCommit);
    const head = await snapshotAt(root, stack, headCommit);
    if (!base.values && !head.values) {
      throw new ValidationError([{ stack, field: "--stack", rule: `no stack ${stack} at ${baseRef} or at ${o.head ?? "the working tree"} (${head.stackPath})` }]);
    }
    // The directory as the base has it: the stack's (over the project's), or the project's for a new stack.
    const access = (base.values ? base.values.access : mergeAccess(base.project.config.access, undefined)) ?? {};
    const problems = check(accessSchema, access, { stack }, "ocdp:access at base");
    if (problems.length) throw new ValidationError(problems);
    const directory = new Directory(access as Access);
    let actor = o.actor;
    if (o.github) {
      actor = directory.userForGithub(o.github);
      if (!actor) {
        process.stderr.write(`refused: GitHub login ${shown(o.github)} is no user's ocdp:access.users.<user>.github at ${baseRef}\n`);
        return 4;
      }
    }
    // Stack files are judged key by key, each by its own stack's run.
    const stackFiles = new RegExp(`^${(head.stackPath.slice(0, head.stackPath.lastIndexOf("/") + 1)).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}Pulumi\\.[^/]+\\.yaml$`);
    const files = (await changedFiles(root, baseCommit, headCommit)).filter((f) => !stackFiles.test(f));
    const verdicts = authorize({ actor: actor!, directory, base: base.values, head: head.values, files });
    const refused = verdicts.filter((v) => !v.allowed);
    if (format === "json") {
      process.stdout.write(`${JSON.stringify({ stack, actor, base: baseRef, head: o.head ?? "working tree", allowed: refused.length === 0, changes: verdicts }, null, 2)}\n`);
    } else {
      const line = (v: Verdict) => `  ${v.allowed ? "allowed" : "REFUSED"}  ${v.subject} ${v.change}: ${v.reason}`;
      process.stdout.write([`stack ${stack}, actor ${actor}${o.github ? ` (GitHub ${o.github})` : ""}:`, ...verdicts.map(line),
        verdicts.length === 0 ? "  no changes" : "",
        refused.length ? `refused: ${refused.length} of ${verdicts.length} change(s) need someone else` : `allowed: ${verdicts.length} change(s)`,
      ].filter(Boolean).join("\n") + "\n");
    }
    return refused.length ? 4 : 0;
  },
};
