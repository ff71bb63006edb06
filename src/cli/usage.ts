import { formatIssues, UsageError } from "../config/errors";
import { TIME } from "../config/schema";
import { isExpired, iso, timeMs } from "../steps/lifetime";
import { planStack } from "../offline/plan";
import { formatAmount, limitOf, scopes } from "../steps/usage/budget";
import { type Amounts, type ClaimUsage, RESOURCES, type Resource, sum } from "../steps/usage/usage";
import type { Budget, Policy } from "../config/types";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp usage --stack <name> [--json] [--claims] [--at <time>]

What the stack's claims use, per workspace and for the whole cluster, against the budgets of
ocdp:policy (used / budget; "-" where there is none), counted from the rendered objects the way the
scheduler and HAMi count them: container limits (or requests) x replicas; GPU memory and cores are per
GPU and multiplied by the container's GPUs; a GPU taken whole counts ocdp:policy.gpuDeviceMemory MiB
and 100 cores. Units: GPU memory in MiB, GPU cores in percent of one GPU. A stopped claim makes no pods:
it counts toward claims and storage only; "stopped" says how many of the claims are.
  --json     machine-readable: per workspace and cluster, each resource's used and budget (base units:
             cpu millicores, memory and storage bytes), and each claim's share
  --claims   also a line per claim
  --at       what "now" is (RFC 3339; default: the clock) for the GPUs that running claims with an
             expires within a day of it will give back
Exit codes: 0 within every budget, 1 over a budget or a claim that does not render, 2 usage error.`;

const DAY = 24 * 3_600_000;

const HEAD: Record<Resource, string> = {
  claims: "claims", "nvidia.com/gpu": "GPUs", "nvidia.com/gpumem": "GPU mem (MiB)", "nvidia.com/gpucores": "GPU cores",
  cpu: "CPU", memory: "memory", storage: "storage",
};

/** `stopped`: how many of the scope's claims are stopped (they count toward claims and storage only). */
interface Row { scope: string; used: Amounts; budget?: Budget; stopped?: number }

/** `plain`: used amounts only (a claim has no budget of its own). */
function table(rows: Row[], plain = false): string {
  const cell = (r: Row, res: Resource) => {
    if (plain) return formatAmount(res, r.used[res]);
    const limit = r.budget ? limitOf(r.budget, res) : undefined;
    const over = limit !== undefined && r.used[res] > limit ? " !" : "";
    return `${formatAmount(res, r.used[res])}/${limit === undefined ? "-" : formatAmount(res, limit)}${over}`;
  };
  const cells = (r: Row) => RESOURCES.map((res) => cell(r, res));
  // Stopped claims apart, beside the claims they are part of.
  const withStopped = (c: string[], n: string) => (plain ? c : [c[0], n, ...c.slice(1)]);
  const lines = [["", ...withStopped(RESOURCES.map((r) => HEAD[r]), "stopped")], ...rows.map((r) => [r.scope, ...withStopped(cells(r), String(r.stopped ?? 0))])];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines.map((l) => l.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function rowsOf(policy: Policy, usages: ClaimUsage[], stopped: Set<string>): Row[] {
  const budgets = new Map(scopes(policy, usages).map((s) => [s.label, s.budget]));
  const workspaces = [...new Set([...usages.map((u) => u.workspace), ...Object.keys(policy.workspaces ?? {})])].sort();
  const stoppedIn = (us: ClaimUsage[]) => us.filter((u) => stopped.has(u.claim)).length;
  return [
    ...workspaces.map((ws) => {
      const mine = usages.filter((u) => u.workspace === ws);
      return { scope: ws, used: sum(mine), budget: budgets.get(`workspace ${ws}`), stopped: stoppedIn(mine) };
    }),
    { scope: "(cluster)", used: sum(usages), budget: budgets.get("cluster"), stopped: stoppedIn(usages) },
  ];
}

export const usageCommand: Command = {
  summary: "what the claims use per workspace, against the budgets (offline)",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, json: { type: "boolean" }, claims: { type: "boolean" }, at: { type: "string" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    if (o.at !== undefined && !new RegExp(TIME).test(o.at)) throw new UsageError(`--at ${JSON.stringify(o.at)}: expected an RFC 3339 time\n\n${usage}`);
    const at = o.at === undefined ? Date.now() : timeMs(o.at);
    const { config, ctx } = openStack(stack, o.project);
    const plan = await planStack(config, ctx);
    const stopped = new Set(config.claims.filter((c) => c.state === "stopped").map((c) => c.name));
    // GPUs that running claims give back within a day: what a user waiting for some can expect.
    const gpus = new Map(plan.usages.map((u) => [u.claim, u.amounts["nvidia.com/gpu"]]));
    const soon = config.claims.filter((c) => !isExpired(c, gpus.get(c.name) ?? 0, at) && isExpired(c, gpus.get(c.name) ?? 0, at + DAY));
    const expiring = Object.fromEntries([...new Set(soon.map((c) => c.workspaceId))].sort().map((ws) => {
      const mine = soon.filter((c) => c.workspaceId === ws);
      return [ws, { gpus: mine.reduce((n, c) => n + (gpus.get(c.name) ?? 0), 0), claims: mine.map((c) => c.name) }];
    }));
    const rows = rowsOf(config.policy, plan.usages, stopped);
    if (o.json) {
      const res = (r: Row) => Object.fromEntries(RESOURCES.map((x) => [x, { used: r.used[x], budget: r.budget ? (limitOf(r.budget, x) ?? null) : null }]));
      process.stdout.write(`${JSON.stringify({
        stack,
        workspaces: Object.fromEntries(rows.filter((r) => r.scope !== "(cluster)").map((r) => [r.scope, { ...res(r), stopped: r.stopped }])),
        cluster: { ...res(rows[rows.length - 1]), stopped: rows[rows.length - 1].stopped },
        claims: plan.usages.map((u) => ({ claim: u.claim, workspace: u.workspace, state: stopped.has(u.claim) ? "stopped" : "running", ...u.amounts, uncountedGpus: u.uncountedGpus })),
        expiringWithinADay: { at: iso(at), workspaces: expiring },
        problems: [...plan.issues.map((i) => i.rule), ...plan.failures.map((f) => f.message)],
      }, null, 2)}\n`);
    } else {
      process.stdout.write(`stack ${stack}: used/budget ("!" over budget)\n${table(rows)}\n`);
      for (const [ws, e] of Object.entries(expiring)) process.stdout.write(`${ws}: ${e.gpus} GPU(s) expire within a day (${e.claims.join(", ")})\n`);
      if (o.claims) process.stdout.write(`\n${table(plan.usages.map((u) => ({ scope: `${u.claim} (${u.workspace}${stopped.has(u.claim) ? ", stopped" : ""})`, used: u.amounts })), true)}\n`);
    }
    for (const f of plan.failures) process.stderr.write(`error: ${f.message}\n`);
    if (plan.issues.length) process.stderr.write(`error: ${formatIssues(plan.issues)}\n`);
    return plan.failures.length || plan.issues.length ? 1 : 0;
  },
};
