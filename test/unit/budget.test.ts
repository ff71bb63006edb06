// Budgets against usage: exact messages with used / budget and each claim's share; quotas from budgets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Policy } from "../../src/config/types";
import { budgetIssues } from "../../src/steps/usage/budget";
import { quotaFor } from "../../src/steps/usage/quota";
import { type Amounts, type ClaimUsage, zero } from "../../src/steps/usage/usage";

const GI = 2 ** 30;
const u = (claim: string, workspace: string, a: Partial<Amounts>, more: Partial<ClaimUsage> = {}): ClaimUsage =>
  ({ claim, workspace, amounts: { ...zero(), claims: 1, ...a }, uncountedGpus: 0, noCpu: [], noMemory: [], ...more });
const ws = (budget: object) => ({ workspaces: { nlp: { budget } } }) as Policy;

describe("budgets", () => {
  const cases: [string, Policy, ClaimUsage[], string[]][] = [
    ["within budget", ws({ "nvidia.com/gpu": 4 }), [u("a", "nlp", { "nvidia.com/gpu": 4 })], []],
    ["over only by the sum of claims each under it, with every share",
      ws({ "nvidia.com/gpu": 4 }),
      [u("cs-alice", "nlp", { "nvidia.com/gpu": 1 }), u("vllm-llama", "nlp", { "nvidia.com/gpu": 1 }), u("cs-dana", "nlp", { "nvidia.com/gpu": 4 })],
      ["ocdp:policy.workspaces.nlp.budget|workspace nlp: nvidia.com/gpu 6 > budget 4 (cs-alice 1, vllm-llama 1, cs-dana 4)"]],
    ["claims in other workspaces do not count", ws({ "nvidia.com/gpu": 1 }), [u("a", "nlp", { "nvidia.com/gpu": 1 }), u("b", "vision", { "nvidia.com/gpu": 3 })], []],
    ["memory and storage shown in binary units", ws({ memory: "64Gi", storage: "1Ti" }),
      [u("a", "nlp", { memory: 48 * GI, storage: 2 ** 40 }), u("b", "nlp", { memory: 20 * GI, storage: 1 })],
      ["ocdp:policy.workspaces.nlp.budget|workspace nlp: memory 68Gi > budget 64Gi (a 48Gi, b 20Gi)",
        "ocdp:policy.workspaces.nlp.budget|workspace nlp: storage 1099511627777 > budget 1Ti (a 1Ti, b 1)"]],
    ["cpu in cores or millicores", ws({ cpu: "2500m" }), [u("a", "nlp", { cpu: 2000 }), u("b", "nlp", { cpu: 1000 })],
      ["ocdp:policy.workspaces.nlp.budget|workspace nlp: cpu 3 > budget 2500m (a 2, b 1)"]],
    ["claims counted", ws({ claims: 1 }), [u("a", "nlp", {}), u("b", "nlp", {})], ["ocdp:policy.workspaces.nlp.budget|workspace nlp: claims 2 > budget 1 (a 1, b 1)"]],
    ["the cluster budget sums every workspace", { budget: { "nvidia.com/gpu": 2 } },
      [u("a", "nlp", { "nvidia.com/gpu": 1 }), u("b", "vision", { "nvidia.com/gpu": 2 })],
      ["ocdp:policy.budget|cluster: nvidia.com/gpu 3 > budget 2 (a 1, b 2)"]],
    ["whole GPUs with no device memory cannot meet a gpumem budget", ws({ "nvidia.com/gpumem": 8192 }), [u("a", "nlp", {}, { uncountedGpus: 2 })],
      ["ocdp:policy.workspaces.nlp.budget|workspace nlp: nvidia.com/gpumem cannot be counted: a takes 2 whole GPU(s) with no GPU memory set; set ocdp:policy.gpuDeviceMemory (MiB of one GPU) or the claim's GPU memory"]],
    ["a workspace cpu budget needs cpu on every container (the quota refuses pods without)", ws({ cpu: "8" }), [u("a", "nlp", {}, { noCpu: ["Deployment/d:side"] })],
      ["ocdp:policy.workspaces.nlp.budget|workspace nlp: a cpu budget needs a cpu request or limit on every container (its ResourceQuota refuses pods without one): a (Deployment/d:side)"]],
    ["a cluster cpu budget has no quota, so no such rule", { budget: { cpu: "8" } }, [u("a", "nlp", {}, { noCpu: ["Deployment/d:side"] })], []],
  ];
  for (const [what, policy, usages, want] of cases) {
    it(what, () => assert.deepEqual(budgetIssues("s", policy, usages).map((i) => `${i.field}|${i.rule}`), want));
  }
  it("bounds the list of shares", () => {
    const many = Array.from({ length: 12 }, (_, i) => u(`c${i}`, "nlp", { "nvidia.com/gpu": 1 }));
    const [issue] = budgetIssues("s", ws({ "nvidia.com/gpu": 1 }), many);
    assert.match(issue.rule, /\(c0 1, c1 1, c2 1, c3 1, c4 1, c5 1, c6 1, c7 1, and 4 more\)$/);
  });
});

describe("quotas", () => {
  it("map each budget key to what the API server and HAMi enforce", () => {
    const q = quotaFor("nlp", "ws-nlp", { "nvidia.com/gpu": 4, "nvidia.com/gpumem": 81920, "nvidia.com/gpucores": 300, cpu: 24, memory: "96Gi", storage: "1Ti", claims: 8 });
    assert.deepEqual(q?.object.spec, { hard: {
      "requests.nvidia.com/gpu": "4", "limits.nvidia.com/gpumem": "81920", "limits.nvidia.com/gpucores": "300",
      "requests.cpu": "24", "requests.memory": "96Gi", "requests.storage": "1Ti",
    } });
    assert.equal(q?.object.metadata.namespace, "ws-nlp");
  });
  it("none for a budget of claims only", () => assert.equal(quotaFor("nlp", "ws-nlp", { claims: 3 }), undefined));
});
