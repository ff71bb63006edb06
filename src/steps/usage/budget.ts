// Budgets checked against usage: one problem per workspace (or the cluster) and resource, with the
// numbers and each claim's share, so a user sees at once whose claims fill the budget. Pure.
import type { Issue } from "../../config/errors";
import type { Budget, Policy } from "../../config/types";
import { bytes, formatBytes, formatMilliCpu, milliCpu } from "./quantity";
import { type Amounts, type ClaimUsage, RESOURCES, type Resource, sum } from "./usage";

/** How many claims' shares a message lists before "and N more". */
const SHARES_SHOWN = 8;

/** A budget's limit in the unit usage is counted in (see Amounts). */
export function limitOf(b: Budget, r: Resource): number | undefined {
  const v = b[r];
  if (v === undefined) return undefined;
  if (r === "cpu") return milliCpu(v);
  if (r === "memory" || r === "storage") return bytes(v);
  return Number(v);
}

export function formatAmount(r: Resource, n: number): string {
  if (r === "cpu") return formatMilliCpu(n);
  if (r === "memory" || r === "storage") return formatBytes(n);
  return String(n);
}

export interface BudgetScope {
  /** `workspace nlp` or `cluster`. */
  label: string;
  field: string;
  budget: Budget;
  usages: ClaimUsage[];
  /** Whether a ResourceQuota enforces it too (workspaces): then cpu/memory must be set on every container. */
  quota: boolean;
}

export function scopes(policy: Policy, usages: ClaimUsage[]): BudgetScope[] {
  const out: BudgetScope[] = [];
  for (const [ws, p] of Object.entries(policy.workspaces ?? {})) {
    if (!p.budget) continue;
    out.push({ label: `workspace ${ws}`, field: `ocdp:policy.workspaces.${ws}.budget`, budget: p.budget, usages: usages.filter((u) => u.workspace === ws), quota: true });
  }
  if (policy.budget) out.push({ label: "cluster", field: "ocdp:policy.budget", budget: policy.budget, usages, quota: false });
  return out;
}

function shares(r: Resource, usages: ClaimUsage[]): string {
  const mine = usages.filter((u) => u.amounts[r] > 0);
  const shown = mine.slice(0, SHARES_SHOWN).map((u) => `${u.claim} ${formatAmount(r, u.amounts[r])}`);
  if (mine.length > SHARES_SHOWN) shown.push(`and ${mine.length - SHARES_SHOWN} more`);
  return shown.join(", ");
}

function listed(items: string[]): string {
  return items.length > SHARES_SHOWN ? `${items.slice(0, SHARES_SHOWN).join(", ")} and ${items.length - SHARES_SHOWN} more` : items.join(", ");
}

/** Every budget broken, and every usage a budget cannot count. */
export function budgetIssues(stack: string, policy: Policy, usages: ClaimUsage[]): Issue[] {
  const out: Issue[] = [];
  for (const s of scopes(policy, usages)) {
    const used: Amounts = sum(s.usages);
    for (const r of RESOURCES) {
      const limit = limitOf(s.budget, r);
      if (limit === undefined) continue;
      if (used[r] > limit) {
        out.push({ stack, field: s.field, rule: `${s.label}: ${r} ${formatAmount(r, used[r])} > budget ${formatAmount(r, limit)} (${shares(r, s.usages)})` });
      }
    }
    if (s.budget["nvidia.com/gpumem"] !== undefined) {
      const whole = s.usages.filter((u) => u.uncountedGpus > 0);
      if (whole.length) {
        out.push({ stack, field: s.field, rule: `${s.label}: nvidia.com/gpumem cannot be counted: ${listed(whole.map((u) => `${u.claim} takes ${u.uncountedGpus} whole GPU(s)`))} with no GPU memory set; set ocdp:policy.gpuDeviceMemory (MiB of one GPU) or the claim's GPU memory` });
      }
    }
    if (!s.quota) continue;
    // A ResourceQuota on cpu or memory makes the API server refuse every pod of the namespace that
    // does not set it: refuse here, where the message can say which container, instead of a Deployment
    // that silently never gets its pods.
    for (const r of ["cpu", "memory"] as const) {
      if (s.budget[r] === undefined) continue;
      const unset = s.usages.flatMap((u) => (r === "cpu" ? u.noCpu : u.noMemory).map((c) => `${u.claim} (${c})`));
      if (unset.length) out.push({ stack, field: s.field, rule: `${s.label}: a ${r} budget needs a ${r} request or limit on every container (its ResourceQuota refuses pods without one): ${listed(unset)}` });
    }
  }
  return out;
}
