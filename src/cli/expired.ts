import { UsageError } from "../config/errors";
import { TIME } from "../config/schema";
import { planStack } from "../offline/plan";
import { isExpired, iso, span, timeMs } from "../steps/lifetime";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp expired --stack <name> [--at <time>] [--json]

The running claims with GPUs whose \`expires\` has passed (at --at, an RFC 3339 time; default: now), with
owner, workspace and GPUs. \`ocdp claim stop --stack <name> --expired\` stops them all in one edit.
Offline: the stack file and its render, no cluster.`;

export interface ExpiredClaim { claim: string; owner: string; workspace: string; gpus: number; expires: string }

export const expiredCommand: Command = {
  summary: "list the running claims with GPUs past their expires date",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, at: { type: "string" }, json: { type: "boolean" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    if (o.at !== undefined && !new RegExp(TIME).test(o.at)) throw new UsageError(`--at ${JSON.stringify(o.at)}: expected an RFC 3339 time\n\n${usage}`);
    const at = o.at === undefined ? Date.now() : timeMs(o.at);
    const { config, ctx } = openStack(stack, o.project);
    const plan = await planStack(config, ctx);
    const gpus = new Map(plan.usages.map((u) => [u.claim, u.amounts["nvidia.com/gpu"]]));
    const list: ExpiredClaim[] = config.claims.filter((c) => isExpired(c, gpus.get(c.name) ?? 0, at))
      .map((c) => ({ claim: c.name, owner: c.owner.user, workspace: c.workspaceId, gpus: gpus.get(c.name) ?? 0, expires: c.expires! }));
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ stack, at: iso(at), expired: list }, null, 2)}\n`);
      return 0;
    }
    if (!list.length) {
      process.stdout.write(`stack ${stack}: no running claim with GPUs is past its expires at ${iso(at)}\n`);
      return 0;
    }
    const rows = [["CLAIM", "OWNER", "WORKSPACE", "GPUS", "EXPIRES"],
      ...list.map((e) => [e.claim, e.owner, e.workspace, String(e.gpus), `${e.expires} (${span(at - timeMs(e.expires))} ago)`])];
    const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    process.stdout.write(`${rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n")}\n`);
    return 0;
  },
};
