// Who may claim what, where and how much, through the real `ocdp render` (helm, kustomize): the admin
// directory's rules and the budgets, hostile case by case, each with its exact message.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { STACK_TRACE, ocdp, readYaml, scratchProject, writeStack } from "../helpers";
import { join } from "node:path";

type Claim = { name: string; templateId: string; workspaceId: string; owner: Record<string, unknown>; values?: Record<string, unknown> };
const claim = (name: string, templateId: string, workspaceId: string, user: string, values: Record<string, unknown> = {}): Claim =>
  ({ name, templateId, workspaceId, owner: { user }, values });
const gpus = (count: number, memory = 10000, cores = 50) => ({ gpu: { count, memory, cores } });

describe("the admin directory decides who claims what, where", () => {
  let dir: string;
  let labAccess: Record<string, unknown>;
  before(() => {
    dir = scratchProject();
    labAccess = readYaml(join(dir, "stacks", "Pulumi.lab.yaml")).config["ocdp:access"];
  });
  const cases: [string, Claim[], Record<string, unknown> | undefined, RegExp | null][] = [
    ["a claim asserting its own groups", [{ ...claim("cs-x", "code-server", "nlp", "erin"), owner: { user: "erin", groups: ["ml-team"] } }], undefined,
      /stack t, claim cs-x, field owner\.groups: not accepted: a claim names only owner\.user; groups come from the admin directory \(ocdp:access\.groups\)/],
    ["an owner unknown to the directory", [claim("cs-x", "code-server", "nlp", "mallory")], undefined,
      /claim cs-x, template code-server, field owner\.user: user "mallory" is not in the admin directory/],
    ["a template bound to groups the owner is not in", [claim("vllm-x", "vllm-server", "vision", "erin")], undefined,
      /claim vllm-x, template vllm-server, field owner\.user: user "erin" \(groups platform, vision-team, from ocdp:access\.groups\) is not bound to template vllm-server/],
    ["a workspace its owner is not in", [claim("cs-x", "code-server", "vision", "bob")], undefined,
      /claim cs-x, template code-server, field workspaceId: user "bob" may not claim into workspace vision \(it admits users alice; groups vision-team\)/],
    ["a workspace missing from the directory", [claim("cs-x", "code-server", "scratch", "dana")], undefined,
      /claim cs-x, template code-server, field workspaceId: workspace "scratch" is not in ocdp:access\.workspaces: it takes no claims until an admin adds it/],
    ["a workspace that grants a group nobody defined", [claim("cs-x", "code-server", "nlp", "alice")],
      { workspaces: { nlp: { groups: ["ml-teem"] } } }, /field ocdp:access\.workspaces\.nlp\.groups: unknown group "ml-teem": not in ocdp:access\.groups/],
    ["a stack adding a member to a project group", [claim("vllm-f", "vllm-server", "nlp", "frank")],
      { groups: { "ml-team": ["frank"] }, workspaces: { nlp: { groups: ["ml-team"] } } }, null],
    ["a stack cannot take a member away (union)", [claim("vllm-b", "vllm-server", "nlp", "bob")],
      { groups: { "ml-team": [] }, workspaces: { nlp: { groups: ["ml-team"] } } }, null],
    ["a workspace member through a group", [claim("cs-d", "code-server", "vision", "dana")], undefined, null],
  ];
  for (const [what, claims, access, want] of cases) {
    it(`${want ? "refuses" : "admits"} ${what}`, () => {
      writeStack(dir, "lab", "t", claims, { "ocdp:access": access ?? labAccess });
      const r = ocdp(dir, ["render", "--stack", "t"]);
      if (!want) return assert.equal(r.code, 0, r.err);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, want);
      assert.doesNotMatch(r.err, STACK_TRACE);
      assert.equal(r.out, "", "nothing rendered");
    });
  }
  it("reports every claim's directory problem at once", () => {
    writeStack(dir, "lab", "t", [claim("a", "code-server", "nlp", "mallory"), claim("b", "code-server", "vision", "bob"), claim("c", "code-server", "nowhere", "alice")], { "ocdp:access": labAccess });
    const r = ocdp(dir, ["render", "--stack", "t"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /3 problems found/);
  });
});

describe("budgets are checked on the rendered objects", () => {
  let dir: string;
  before(() => { dir = scratchProject(); });
  const policyWith = (extra: Record<string, unknown>) => ({ ...readYaml(join(dir, "stacks", "Pulumi.lab.yaml")).config["ocdp:policy"], ...extra });
  const cases: [string, Claim[], Record<string, unknown> | undefined, string[]][] = [
    ["over only by the sum of claims each under it",
      [claim("a", "code-server", "nlp", "alice", gpus(2)), claim("b", "code-server", "nlp", "alice", gpus(1)), claim("c", "vllm-server", "nlp", "bob", { gpu: { count: 2, memory: 10000 } })], undefined,
      ["stack t, field ocdp:policy.workspaces.nlp.budget: workspace nlp: nvidia.com/gpu 5 > budget 4 (a 2, b 1, c 2)",
        // vllm-server sets no gpucores: its GPUs count whole (100 each).
        "stack t, field ocdp:policy.workspaces.nlp.budget: workspace nlp: nvidia.com/gpucores 350 > budget 300 (a 100, b 50, c 200)"]],
    ["gpumem is per GPU: x the container's GPUs",
      [claim("a", "code-server", "vision", "dana", gpus(4, 40961, 10))], undefined,
      ["stack t, field ocdp:policy.workspaces.vision.budget: workspace vision: nvidia.com/gpumem 163844 > budget 163840 (a 163844)"]],
    ["a GPU without gpumem takes the whole device (gpuDeviceMemory)",
      [claim("a", "vllm-server", "nlp", "bob", { gpu: { count: 4, memory: 0 } })], undefined,
      ["stack t, field ocdp:policy.workspaces.nlp.budget: workspace nlp: nvidia.com/gpumem 163840 > budget 122880 (a 163840)",
        "stack t, field ocdp:policy.workspaces.nlp.budget: workspace nlp: nvidia.com/gpucores 400 > budget 300 (a 400)"]],
    ["replicas multiply", [claim("gw", "litellm", "nlp", "carol", { replicas: 4 })],
      { workspaces: { nlp: { budget: { cpu: "3", memory: "3Gi" } } } },
      ["stack t, field ocdp:policy.workspaces.nlp.budget: workspace nlp: cpu 4 > budget 3 (gw 4)",
        "stack t, field ocdp:policy.workspaces.nlp.budget: workspace nlp: memory 4Gi > budget 3Gi (gw 4Gi)"]],
    ["the cluster budget sums every workspace", [claim("a", "code-server", "nlp", "alice", gpus(2)), claim("b", "code-server", "vision", "dana", gpus(2))],
      { workspaces: {}, budget: { "nvidia.com/gpu": 3 } },
      ["stack t, field ocdp:policy.budget: cluster: nvidia.com/gpu 4 > budget 3 (a 2, b 2)"]],
  ];
  for (const [what, claims, policy, want] of cases) {
    it(what, () => {
      writeStack(dir, "lab", "t", claims, policy ? { "ocdp:policy": policyWith(policy) } : {});
      const r = ocdp(dir, ["render", "--stack", "t"]);
      assert.equal(r.code, 1, r.err);
      const got = r.err.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4));
      assert.deepEqual(got, want);
      assert.equal(r.out, "", "over budget: nothing printed");
    });
  }
  it("ocdp usage shows used / budget per workspace, and fails over budget", () => {
    writeStack(dir, "lab", "t", [claim("a", "code-server", "nlp", "alice", gpus(2)), claim("b", "litellm", "vision", "erin", { replicas: 2 })]);
    const r = ocdp(dir, ["usage", "--stack", "t", "--json"]);
    assert.equal(r.code, 0, r.err);
    const u = JSON.parse(r.out);
    assert.deepEqual(u.workspaces.nlp["nvidia.com/gpu"], { used: 2, budget: 4 });
    assert.deepEqual(u.workspaces.nlp["nvidia.com/gpumem"], { used: 20000, budget: 122880 });
    assert.deepEqual(u.workspaces.vision.cpu, { used: 2000, budget: 16000 });
    assert.deepEqual(u.cluster["nvidia.com/gpu"], { used: 2, budget: 8 });
    const text = ocdp(dir, ["usage", "--stack", "t"]);
    assert.match(text.out, /^nlp\s+1\/8\s+0\s+2\/4\s+20000\/122880\s+100\/300\s+2\/24\s+4Gi\/96Gi\s+20Gi\/1Ti$/m);
    writeStack(dir, "lab", "t", [claim("a", "code-server", "nlp", "alice", gpus(5))]);
    const over = ocdp(dir, ["usage", "--stack", "t"]);
    assert.equal(over.code, 1);
    assert.match(over.out, /^nlp\s+1\/8\s+0\s+5\/4 !/m);
  });
  it("ocdp render prints each budgeted workspace's ResourceQuota", () => {
    writeStack(dir, "lab", "t", [claim("a", "code-server", "nlp", "alice", gpus(1))]);
    const r = ocdp(dir, ["render", "--stack", "t", "--format", "json"]);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    const [q] = out["workspace/nlp"];
    assert.equal(q.kind, "ResourceQuota");
    assert.equal(q.metadata.namespace, "ws-nlp");
    assert.deepEqual(q.spec.hard, { "requests.nvidia.com/gpu": "4", "limits.nvidia.com/gpumem": "122880", "limits.nvidia.com/gpucores": "300", "requests.cpu": "24", "requests.memory": "96Gi", "requests.storage": "1Ti" });
    assert.equal(out["workspace/vision"][0].metadata.namespace, "ws-vision", "a budgeted workspace without claims keeps its quota");
  });
});
