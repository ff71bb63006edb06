import { renameSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { createTwoFilesPatch } from "diff";
import { resolveTemplate } from "../catalog/resolve";
import type { UserInput } from "../catalog/userInputs";
import { type Edit, editClaims } from "./claims/editStackFile";
import { TIME } from "../config/schema";
import { isExpired, iso, latestExpiry, timeMs } from "../steps/lifetime";
import { formatIssues, IssueList, UsageError } from "../config/errors";
import { fromConfigValues, loadStackValues, stackFile, stackValuesOf } from "../config/load";
import { planStack } from "../offline/plan";
import { offlineSources, openProject, parse, renderContext, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp claim add --stack <s> --name <claim> --template <id> --workspace <ws> --owner <user> [--set key=value]... [--dry-run]
       ocdp claim set --stack <s> --name <claim> [--set key=value]... [--unset key]... [--workspace <ws>] [--owner <user>] [--template <id>] [--dry-run]
       ocdp claim rm  --stack <s> --name <claim> [--dry-run]
       ocdp claim stop|start --stack <s> --name <claim> [--expires <time>] [--at <time>] [--dry-run]
       ocdp claim stop --stack <s> --expired [--at <time>] [--dry-run]

Adds, changes or removes a claim in stacks/Pulumi.<s>.yaml, in place: comments, order and formatting
of the file are kept; only the claim's own lines change. The result is validated exactly as
\`ocdp render\` would (schema of the template's inputs, the directory, names, budgets: the whole stack
is rendered) before anything is written; on any problem nothing is written and every problem is listed.
  --set key=value   a value by its input name (e.g. gpu.count=1, storage.size=50Gi), typed as the
                    template's userInputs.yaml declares it (cpu=4 stays the string "4" if cpu is a string)
  --unset key       back to the template's default
  --dry-run         print the change as a unified diff and write nothing
  --expires <time>  (add, set, start) when the claim is to be stopped: an RFC 3339 date or time within
                    the workspace's maxRunning of its start; add and start set the latest by default
  --at <time>       what "now" is (default: the clock): the start of the window, or the moment for --expired
stop sets \`state: stopped\`: the claim's workloads make no pods (GPUs, CPU and memory go back to the
workspace's budget), its volumes, Services (and so its address), Secrets and ConfigMaps stay. A claim
with a DaemonSet, a bare Pod or a Job cannot be stopped. start removes it: the render of a running claim;
where a maxRunning rule applies it sets \`started\` (now) and \`expires\`. stop --expired stops every
running claim with GPUs whose expires has passed, in one edit.
Then: \`pulumi up --stack <s>\` (or \`npm run up\` for the local stack) applies it.
Exit codes: 0 done (or the diff printed), 1 invalid (nothing written), 2 usage error.`;

/** `key=value` typed by the input it names. */
function typed(inputs: UserInput[], key: string, raw: string): unknown {
  const input = inputs.find((i) => i.name === key);
  if (input?.type === "integer" || input?.type === "number") return /^-?[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : raw;
  if (input?.type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

function pairs(list: string[] | undefined): [string, string][] {
  return (list ?? []).map((p) => {
    const i = p.indexOf("=");
    if (i <= 0) throw new UsageError(`--set ${JSON.stringify(p)}: expected key=value\n\n${usage}`);
    return [p.slice(0, i), p.slice(i + 1)];
  });
}

export const claimCommand: Command = {
  summary: "add, change or remove a claim in a stack file (validated first, formatting kept)",
  usage,
  async run(argv) {
    const { values: o, positionals } = parse(argv, {
      stack: { type: "string" }, name: { type: "string" }, template: { type: "string" }, workspace: { type: "string" }, owner: { type: "string" },
      set: { type: "string", multiple: true }, unset: { type: "string", multiple: true }, "dry-run": { type: "boolean" },
      expires: { type: "string" }, at: { type: "string" }, expired: { type: "boolean" },
    }, usage);
    const op = positionals[0] as "add" | "set" | "rm" | "stop" | "start";
    if (positionals.length !== 1 || !["add", "set", "rm", "stop", "start"].includes(op)) throw new UsageError(`one of add, set, rm, stop, start is required\n\n${usage}`);
    const stack = requireOpt(o.stack, "stack", usage);
    const at = o.at === undefined ? Date.now() : timeMs(o.at);
    if (Number.isNaN(at) || (o.at !== undefined && !new RegExp(TIME).test(o.at))) throw new UsageError(`--at ${JSON.stringify(o.at)}: expected an RFC 3339 time\n\n${usage}`);
    if (o.expires !== undefined && !new RegExp(TIME).test(o.expires)) throw new UsageError(`--expires ${JSON.stringify(o.expires)}: expected an RFC 3339 date or time\n\n${usage}`);
    if (o.expired && (op !== "stop" || o.name)) throw new UsageError(`--expired goes with stop and no --name\n\n${usage}`);
    const name = o.expired ? "(expired)" : requireOpt(o.name, "name", usage);
    const project = openProject(o.project);
    const values = loadStackValues(project, stack);
    const file = stackFile(project, stack);
    const rel = relative(project.root, file);
    const text = readFileSync(file, "utf8");
    const current = fromConfigValues(stack, values);
    const ctx = { ...renderContext(project), sources: offlineSources(project, current) };

    // A claim's lifetime where its workspace has a rule: from `at`, to --expires or the latest allowed.
    const lifetime = (workspace: string): [string[], unknown][] => {
      const latest = latestExpiry(current.policy, workspace, at);
      if (latest === undefined) return o.expires ? [[["expires"], o.expires]] : [];
      return [[["started"], iso(at)], [["expires"], o.expires ?? iso(latest)]];
    };
    let edits: Edit[];
    if (o.expired) {
      const plan = await planStack(current, ctx);
      const gpus = new Map(plan.usages.map((u) => [u.claim, u.amounts["nvidia.com/gpu"]]));
      const due = current.claims.filter((c) => isExpired(c, gpus.get(c.name) ?? 0, at));
      if (!due.length) {
        process.stderr.write(`no running claim with GPUs in ${rel} is past its expires at ${iso(at)}\n`);
        return 0;
      }
      edits = due.map((c) => ({ op: "set", name: c.name, set: [[["state"], "stopped"]], unset: [] }));
    } else if (op === "rm") {
      edits = [{ op, name }];
    } else if (op === "stop" || op === "start") {
      const claim = current.claims.find((c) => c.name === name);
      if (!claim) throw new UsageError(`no claim ${JSON.stringify(name)} in ${rel}`);
      // Absent is running: start removes the key, so a started claim is exactly a running one.
      edits = [op === "stop" ? { op: "set", name, set: [[["state"], "stopped"]], unset: [] } : { op: "set", name, set: lifetime(claim.workspaceId), unset: [["state"]] }];
    } else {
      const existing = current.claims.find((c) => c.name === name);
      const templateId = o.template ?? existing?.templateId;
      const template = current.templates.find((t) => t.id === templateId);
      let inputs: UserInput[] = [];
      if (template) {
        const issues = new IssueList();
        inputs = (await resolveTemplate(template, stack, ctx, issues))?.inputs ?? [];
      }
      const set = pairs(o.set).map(([k, v]): [string[], unknown] => [["values", ...k.split(".")], typed(inputs, k, v)]);
      if (op === "add") {
        const claim: Record<string, unknown> = {
          name,
          templateId: requireOpt(o.template, "template", usage),
          workspaceId: requireOpt(o.workspace, "workspace", usage),
          owner: { user: requireOpt(o.owner, "owner", usage) },
        };
        for (const [p, v] of [...set, ...lifetime(String(claim.workspaceId))]) {
          let cur = claim as Record<string, unknown>;
          for (const k of p.slice(0, -1)) cur = (cur[k] ??= {}) as Record<string, unknown>;
          cur[p[p.length - 1]] = v;
        }
        edits = [{ op, claim }];
      } else {
        if (o.template) set.push([["templateId"], o.template]);
        if (o.workspace) set.push([["workspaceId"], o.workspace]);
        if (o.owner) set.push([["owner", "user"], o.owner]);
        if (o.expires) set.push([["expires"], o.expires]);
        const unset = (o.unset ?? []).map((k) => ["values", ...k.split(".")]);
        if (!set.length && !unset.length) throw new UsageError(`nothing to change: give --set, --unset, --workspace, --owner, --template or --expires\n\n${usage}`);
        edits = [{ op, name, set, unset }];
      }
    }

    const next = { text: edits.reduce((t, e) => editClaims(t, rel, e).text, text) };
    // Exactly what `ocdp render` checks, on the stack as it would be written, read back by the strict
    // loader: a file this command writes is one render and Pulumi read alike.
    const config = fromConfigValues(stack, stackValuesOf(project, next.text, rel));
    const plan = await planStack(config, ctx);
    if (plan.failures.length || plan.issues.length) {
      for (const f of plan.failures) process.stderr.write(`error: ${f.message}\n`);
      if (plan.issues.length) process.stderr.write(`error: ${formatIssues(plan.issues)}\n`);
      process.stderr.write(`nothing written to ${rel}\n`);
      return 1;
    }
    if (next.text === text) {
      process.stderr.write(`claim ${name}: no change to ${rel}\n`);
      return 0;
    }
    if (o["dry-run"]) {
      process.stdout.write(createTwoFilesPatch(rel, rel, text, next.text, "", "", { context: 3 }).split("\n").slice(2).join("\n"));
      return 0;
    }
    const tmp = `${file}.ocdp-tmp`;
    writeFileSync(tmp, next.text);
    renameSync(tmp, file);
    const did = op === "add" ? "added to" : op === "rm" ? "removed from" : op === "stop" ? "stopped in" : op === "start" ? "started in" : "changed in";
    const names = edits.map((e) => ("name" in e ? e.name : name));
    process.stderr.write(`claim ${names.join(", ")} ${did} ${rel} (valid: ${plan.rendered.length} claims render within budget); apply it with: pulumi up --stack ${stack}\n`);
    return 0;
  },
};
