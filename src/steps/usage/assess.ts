// A rendered stack against its budgets: each claim's usage, the budgets it breaks, and the quotas that
// make the cluster enforce them. Pure; both executors call it before anything is registered.
import { namespaceFor } from "../../catalog/resolve";
import type { Issue } from "../../config/errors";
import type { StackConfig } from "../../config/types";
import type { KObject } from "../objects";
import { budgetIssues } from "./budget";
import { quotaFor, type WorkspaceQuota } from "./quota";
import { type ClaimUsage, claimUsage } from "./usage";

export interface Assessment {
  usages: ClaimUsage[];
  /** Budgets broken (empty when within budget). */
  issues: Issue[];
  quotas: WorkspaceQuota[];
}

/** One ResourceQuota per budgeted workspace, whether or not it has claims today (it bounds the namespace). */
export function workspaceQuotas(config: StackConfig): WorkspaceQuota[] {
  return Object.entries(config.policy.workspaces ?? {}).flatMap(([ws, p]) => {
    const q = p.budget ? quotaFor(ws, namespaceFor(config, ws), p.budget) : undefined;
    return q ? [q] : [];
  });
}

export function assess(config: StackConfig, rendered: { claim: string; workspace: string; objects: KObject[] }[]): Assessment {
  const usages = rendered.map((r) => claimUsage(r.claim, r.workspace, r.objects, config.policy.gpuDeviceMemory));
  return { usages, issues: budgetIssues(config.stack, config.policy, usages), quotas: workspaceQuotas(config) };
}
