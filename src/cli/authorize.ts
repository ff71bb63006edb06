import { Directory } from "../config/directory";
import { mergeAccess } from "../config/access";
import { formatIssue, type Issue, shown, UsageError, ValidationError } from "../config/errors";
import { fromConfigValues, STACK_NAME } from "../config/load";
import { accessSchema } from "../config/schema";
import type { Access } from "../config/types";
import { check } from "../config/validate";
import { changedFiles, resolveCommit } from "./diff/gitRef";
import { authorize, isStackFile, type Verdict } from "./gate/authorize";
import { snapshotAt } from "./gate/snapshot";
import { openProject, parse, requireOpt } from "./context";
import type { Command } from "./main";
import { timeMs } from "../steps/lifetime";

const usage = `Usage: ocdp authorize --stack=<name> --base=<git-ref> [--head=<git-ref>] (--actor=<user> | --github=<login>)... [--at=<time>] [--format text|json]

The pull-request gate. Lists every change to the stack between --base and --head (default: the
working tree) with a verdict for each actor: a claim added, changed or removed must be owned by the
actor before and after, and land in a workspace the actor may use; any change to templates, policy,
access, cluster or credentials (ocdp:* keys), to another namespace's key, to presets, charts,
Pulumi.yaml, workflows or code needs an admin. The stack file at head must read the same to every
reader (docs/pull-requests.md) and pass the same validation as render: unique claim names, the claim
schema. Admins, groups and workspace members are read from the directory (ocdp:access) at --base, so
a change cannot grant itself what it asks for. Run it for every stack a change touches.
  --actor    a directory user who made the change (repeat it: every one is judged)
  --github   their login on GitHub instead, mapped through ocdp:access.users.<user>.github at --base
             (repeat it for every account that pushed commits to the pull request)
  --at       what "now" is (RFC 3339; default: the clock): a claim's owner sets its started only when
             adding or starting it, to within a day of now; its expires within maxRunning of started
Exit codes: 0 allowed for every actor (or no change), 4 refused, 1 invalid input (a bad ref, an
unknown stack, a base that does not parse), 2 usage error.`;

type Judged = { actor: string; github?: string; verdicts: Verdict[] };

export const authorizeCommand: Command = {
  summary: "the pull-request gate: may these actors make these changes to a stack?",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, {
      stack: { type: "string" }, base: { type: "string" }, head: { type: "string" }, actor: { type: "string", multiple: true }, github: { type: "string", multiple: true }, format: { type: "string" },
      at: { type: "string" },
    }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const baseRef = requireOpt(o.base, "base", usage);
    const actors = o.actor ?? [];
    const logins = o.github ?? [];
    if (!actors.length === !logins.length) throw new UsageError(`exactly one of --actor and --github is required (either may be repeated)\n\n${usage}`);
    const format = o.format ?? "text";
    if (format !== "text" && format !== "json") throw new UsageError(`--format must be text or json\n\n${usage}`);
    if (!STACK_NAME.test(stack)) throw new ValidationError([{ field: "--stack", rule: `not a stack name: ${shown(stack)}` }]);
    const root = openProject(o.project).root;
    const baseCommit = await resolveCommit(root, baseRef, "--base");
    const headCommit = o.head ? await resolveCommit(root, o.head, "--head") : undefined;
    const base = await snapshotAt(root, stack, baseCommit);
    let head;
    try {
      head = await snapshotAt(root, stack, headCommit);
    } catch (e) {
      // A head that one reader could read otherwise is refused with the rule, whoever asks.
      if (!(e instanceof ValidationError)) throw e;
      process.stdout.write(`stack ${stack}:\n${e.issues.map((i) => `  REFUSED  ${formatIssue(i)}`).join("\n")}\nrefused: the stack's files at ${o.head ?? "the working tree"} are not read alike by ocdp and Pulumi, or are not valid\n`);
      return 4;
    }
    if (!base.values && !head.values) {
      throw new ValidationError([{ stack, field: "--stack", rule: `no stack ${stack} at ${baseRef} or at ${o.head ?? "the working tree"} (${head.stackPath})` }]);
    }
    // The directory as the base has it: the stack's (over the project's), or the project's for a new stack.
    const access = (base.values ? base.values.access : mergeAccess(base.project.config.access, undefined)) ?? {};
    const problems = check(accessSchema, access, { stack }, "ocdp:access at base");
    if (problems.length) throw new ValidationError(problems);
    const directory = new Directory(access as Access);
    // The validation render runs, on head: what it refuses, the gate refuses.
    let invalid: Issue[] = [];
    if (head.values) {
      try {
        fromConfigValues(stack, Object.fromEntries(Object.entries(head.values).filter(([k]) => !k.includes(":"))));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        invalid = e.issues;
      }
    }
    const who: { actor?: string; github?: string }[] = [...actors.map((actor) => ({ actor })), ...logins.map((github) => ({ github }))];
    const unknown = who.filter((w) => w.github && !directory.userForGithub(w.github));
    if (unknown.length) {
      for (const w of unknown) process.stderr.write(`refused: GitHub login ${shown(w.github)} is no user's ocdp:access.users.<user>.github at ${baseRef}\n`);
      return 4;
    }
    // Stack files are judged key by key, each by its own stack's run; any other file under stacks/ is a file.
    const files = (await changedFiles(root, baseCommit, headCommit)).filter((f) => !isStackFile(f, head.project.stackConfigDir));
    const judged: Judged[] = who.map((w) => {
      const actor = w.actor ?? directory.userForGithub(w.github!)!;
      return { actor, github: w.github, verdicts: authorize({ actor, directory, base: base.values, head: head.values, files, invalid, ...(o.at ? { now: timeMs(o.at) } : {}) }) };
    });
    const refused = judged.some((j) => j.verdicts.some((v) => !v.allowed));
    if (format === "json") {
      const one = judged.length === 1 ? { actor: judged[0].actor, changes: judged[0].verdicts } : {};
      process.stdout.write(`${JSON.stringify({ stack, base: baseRef, head: o.head ?? "working tree", allowed: !refused, ...one, actors: judged.map((j) => ({ actor: j.actor, github: j.github, allowed: j.verdicts.every((v) => v.allowed), changes: j.verdicts })) }, null, 2)}\n`);
    } else {
      const line = (v: Verdict) => `  ${v.allowed ? "allowed" : "REFUSED"}  ${v.subject} ${v.change}: ${v.reason}`;
      for (const j of judged) {
        const no = j.verdicts.filter((v) => !v.allowed).length;
        process.stdout.write([`stack ${stack}, actor ${j.actor}${j.github ? ` (GitHub ${j.github})` : ""}:`, ...j.verdicts.map(line),
          j.verdicts.length === 0 ? "  no changes" : "",
          no ? `refused: ${no} of ${j.verdicts.length} change(s) need someone else` : `allowed: ${j.verdicts.length} change(s)`,
        ].filter(Boolean).join("\n") + "\n");
      }
    }
    return refused ? 4 : 0;
  },
};
