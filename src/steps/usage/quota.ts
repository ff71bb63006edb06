// The cluster enforces the budgets too: one ResourceQuota per workspace namespace with a budget, so that
// what is created outside ocdp is bounded as well. Pure: the same objects are printed by `ocdp render`
// and applied by the Pulumi program.
//
//   nvidia.com/gpu       -> requests.nvidia.com/gpu     (Kubernetes quotas extended resources by requests only)
//   nvidia.com/gpumem    -> limits.nvidia.com/gpumem    (HAMi's scheduler enforces these, since v2.7)
//   nvidia.com/gpucores  -> limits.nvidia.com/gpucores
//   cpu, memory          -> requests.cpu, requests.memory: every pod has requests (defaulted from its
//                           limits), so no pod is refused only for lacking a limit; ocdp's own check
//                           counts limits, the stricter number.
//   storage              -> requests.storage
//   claims               -> not in the quota: a renamed claim is created before the old one is deleted,
//                           so an object-count quota would refuse a legal change at a full budget.
import type { Budget } from "../../config/types";
import type { KObject } from "../objects";

export const QUOTA_NAME = "ocdp-budget";

const HARD: [keyof Budget, string][] = [
  ["nvidia.com/gpu", "requests.nvidia.com/gpu"],
  ["nvidia.com/gpumem", "limits.nvidia.com/gpumem"],
  ["nvidia.com/gpucores", "limits.nvidia.com/gpucores"],
  ["cpu", "requests.cpu"],
  ["memory", "requests.memory"],
  ["storage", "requests.storage"],
];

export interface WorkspaceQuota {
  workspace: string;
  namespace: string;
  object: KObject;
}

/** The workspace's ResourceQuota, or undefined when its budget has nothing a quota can hold. */
export function quotaFor(workspace: string, namespace: string, budget: Budget): WorkspaceQuota | undefined {
  const hard = Object.fromEntries(HARD.filter(([k]) => budget[k] !== undefined).map(([k, q]) => [q, String(budget[k])]));
  if (Object.keys(hard).length === 0) return undefined;
  return {
    workspace,
    namespace,
    object: {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: QUOTA_NAME, namespace, labels: { "ocdp.io/workspace": workspace, "app.kubernetes.io/managed-by": "ocdp" } },
      spec: { hard },
    },
  };
}
