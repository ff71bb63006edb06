// The program's logic under Pulumi's mock runtime: what it registers for the local stack.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { ROOT, docs } from "../helpers";
import { mockStack, type Registered } from "./mocks";

describe("the Pulumi program on the local stack (mocks)", () => {
  let registered: Registered[];
  let outputs: Record<string, unknown>;
  before(async () => {
    registered = mockStack("local");
    const program = require("../../src/index") as () => Promise<Record<string, unknown>>;
    outputs = await program();
    await new Promise((r) => setTimeout(r, 500));
  });
  const ofType = (t: string) => registered.filter((r) => r.type === t);

  it("registers one provider for the cluster from stack config", () => {
    const p = ofType("pulumi:providers:kubernetes");
    assert.equal(p.length, 1);
    assert.match(p[0].inputs.kubeconfig, /\.cluster\/kubeconfig$/);
  });
  it("registers the WorkloadClaim and Workload CRDs and one namespace per workspace", () => {
    assert.deepEqual(ofType("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").map((r) => r.name).sort(), ["workloadclaims.ocdp.io", "workloads.ocdp.io"]);
    assert.deepEqual(ofType("kubernetes:core/v1:Namespace").map((r) => r.name).sort(), ["ws-team-a", "ws-team-b"]);
  });
  it("the cluster enforces the budgets: one ResourceQuota per budgeted workspace, before its workloads", () => {
    const quotas = ofType("kubernetes:core/v1:ResourceQuota");
    assert.deepEqual(quotas.map((q) => `${q.inputs.metadata.namespace}/${q.inputs.metadata.name}`).sort(), ["ws-team-a/ocdp-budget", "ws-team-b/ocdp-budget"]);
    const a = quotas.find((q) => q.inputs.metadata.namespace === "ws-team-a")!;
    assert.deepEqual(a.inputs.spec.hard, { "requests.nvidia.com/gpu": "4", "limits.nvidia.com/gpumem": "163840", "requests.storage": "200Gi" });
    const b = quotas.find((q) => q.inputs.metadata.namespace === "ws-team-b")!;
    assert.deepEqual(b.inputs.spec.hard, { "requests.cpu": "4", "requests.memory": "8Gi" });
  });
  it("a Helm-backed claim is a Chart whose post-renderer is `ocdp post-render` for that claim", () => {
    const charts = ofType("kubernetes:helm.sh/v4:Chart");
    assert.deepEqual(charts.map((c) => c.name), ["cs-alice"]);
    const c = charts[0].inputs;
    assert.match(c.chart, /charts\/code-server$/);
    assert.equal(c.namespace, "ws-team-a");
    assert.equal(c.values.fullnameOverride, "cs-alice");
    assert.equal(c.postRenderer.command, "/bin/sh", "an absolute command: the provider runs it");
    assert.deepEqual(c.postRenderer.args.map((a: string, i: number) => (i === 1 ? "STAGE" : a)),
      [join(ROOT, "bin", "post-render.sh"), "STAGE", process.execPath, join(ROOT, "bin", "ocdp.js")], "no stack, no claim name");
    assert.match(c.postRenderer.args[1], /\.ocdp\/stage\/local\/cs-alice-[0-9a-f]{16}$/, "the stage, content-addressed, is the only hand-off");
  });
  it("the staged claim post-renders on its own: no project, no stack file, no resolving", () => {
    const { command, args } = ofType("kubernetes:helm.sh/v4:Chart")[0].inputs.postRenderer;
    const stage = args[1];
    const manifest = JSON.parse(readFileSync(join(stage, "manifest.json"), "utf8"));
    assert.equal(manifest.claim, "cs-alice");
    assert.ok(manifest.finish.inputs.some((i: { name: string }) => i.name === "gpu.count"));
    const testOut = readFileSync(join(ROOT, "presets/tests/kustomize/code-server-k3s-hami/rendered.yaml"), "utf8");
    const helmOut = testOut.replaceAll("ws-test", "ws-team-a");
    // From a folder with no Pulumi.yaml above it: loading the stack would fail here.
    const r = spawnSync(command, args, { cwd: tmpdir(), input: helmOut, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const objs = docs(r.stdout);
    const dep = objs.find((o) => o.kind === "Deployment");
    assert.equal(dep.spec.template.spec.containers[0].resources.limits["nvidia.com/gpumem"], 4096);
    assert.equal(dep.spec.template.spec.containers[0].resources.limits.cpu, "2", "a string input stays a string");
    // Finished: the provider applies what it prints, with no transform of the program.
    assert.equal(dep.metadata.labels["ocdp.io/claim"], "cs-alice");
    assert.equal(dep.metadata.labels["ocdp.io/site"], "local", "the environment overlay");
    assert.equal(dep.metadata.namespace, "ws-team-a");
    assert.equal(dep.metadata.annotations["pulumi.com/timeoutSeconds"], "180", "ocdp:cluster.timeouts.readiness");
    const svc = objs.find((o) => o.kind === "Service");
    assert.equal(svc.metadata.annotations["pulumi.com/skipAwait"], "true", "ocdp:cluster.skipAwait: [Service]");
    const pvc = objs.find((o) => o.kind === "PersistentVolumeClaim");
    assert.equal(pvc.metadata.annotations["helm.sh/resource-policy"], "keep", "Chart v4 retains it on delete");
    const bad = spawnSync(command, args, { cwd: tmpdir(), input: "not: [valid", encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.equal(bad.stdout, "", "nothing printed on failure");
    // The guard runs in the post-renderer too: Helm output in another namespace is refused, all at once.
    const foreign = spawnSync(command, args, { cwd: tmpdir(), input: testOut, encoding: "utf8" });
    assert.notEqual(foreign.status, 0);
    assert.equal(foreign.stdout, "");
    assert.match(foreign.stderr, /claim cs-alice: Service\/cs-test: namespace "ws-test" is outside the workspace namespace ws-team-a; PersistentVolumeClaim/);
  });
  it("no child costs a callback into the program but the volumes of a Directory", async () => {
    assert.deepEqual(ofType("kubernetes:helm.sh/v4:Chart").map((c) => c.transforms.length), [0], "Chart v4 reads helm.sh/resource-policy: keep");
    const dirs = ofType("kubernetes:kustomize/v2:Directory");
    assert.deepEqual(Object.fromEntries(dirs.map((d) => [d.name, d.transforms.length])), { "vllm-qwen": 1, gateway: 0 }, "only a Directory with a PVC");
    const [t] = dirs.find((c) => c.name === "vllm-qwen")!.transforms;
    const child = (type: string, kind: string) => ({ type, name: "child", custom: true, props: { apiVersion: "v1", kind, metadata: { name: "x" } }, opts: {} });
    const pvc = await t(child("kubernetes:core/v1:PersistentVolumeClaim", "PersistentVolumeClaim"));
    assert.equal(pvc?.opts?.retainOnDelete, true, "volumes outlive their claim");
    assert.equal(await t(child("kubernetes:core/v1:Service", "Service")), undefined, "the rest as the stage built it");
  });
  it("Kustomize-only claims are Directories over their staged preset", () => {
    const dirs = ofType("kubernetes:kustomize/v2:Directory");
    assert.deepEqual(dirs.map((d) => d.name).sort(), ["gateway", "vllm-qwen"]);
    const stage = dirs.find((d) => d.name === "vllm-qwen")!.inputs.directory;
    assert.match(stage, /\.ocdp\/stage\/local\/vllm-qwen-[0-9a-f]{16}$/, "content-addressed, as a Helm claim's");
    assert.ok(!existsSync(join(stage, "rendered.yaml")), "no Helm output to put in");
    const k = yaml.load(readFileSync(join(stage, "kustomization.yaml"), "utf8")) as { namePrefix: string; transformers: string[] };
    assert.equal(k.namePrefix, "vllm-qwen-");
    // The finishing as data: the provider's own kustomize build gives the finished objects.
    const patchOf = (kind: string) => k.transformers.map((x) => JSON.parse(x)).find((x) => x.target.kind === kind)?.patch ?? "";
    assert.match(patchOf("Service"), /pulumi\.com\/skipAwait/);
    assert.match(patchOf("PersistentVolumeClaim"), /"helm\.sh\/resource-policy":"keep"|helm\.sh~1resource-policy/);
    assert.match(patchOf("Deployment"), /"path":"\/metadata\/namespace","value":"ws-team-a"/);
  });
  it("each claim has its WorkloadClaim and Workload records", () => {
    const claims = ofType("kubernetes:ocdp.io/v1alpha1:WorkloadClaim");
    assert.equal(claims.length, 3);
    const cs = claims.find((c) => c.inputs.metadata.name === "cs-alice")!;
    assert.equal(cs.inputs.spec.templateId, "code-server");
    assert.equal(cs.inputs.metadata.namespace, "ws-team-a");
    const w = ofType("kubernetes:ocdp.io/v1alpha1:Workload").find((c) => c.inputs.metadata.name === "vllm-qwen")!;
    assert.match(w.inputs.spec.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(w.inputs.spec.preset.path, "packages/vllm-server/presets/k3s-hami");
    assert.equal(w.inputs.spec.values.cache.size, "20Gi");
  });
  it("exports the admin view of every claim, and a user view with no Service observed yet", async () => {
    const value = (o: unknown) => new Promise<any>((r) => (o as pulumi.Output<unknown>).apply(r)); // eslint-disable-line @typescript-eslint/no-explicit-any
    const workloads = await value(outputs.workloads);
    assert.deepEqual(Object.keys(workloads).sort(), ["cs-alice", "gateway", "vllm-qwen"]);
    const cs = workloads["cs-alice"];
    assert.equal(cs.namespace, "ws-team-a");
    assert.equal(cs.template, "code-server");
    assert.equal(cs.chartVersion, "3.16.1");
    assert.match(cs.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(workloads.gateway.chartVersion, null, "Kustomize-only: no chart");
    const wl = ofType("kubernetes:ocdp.io/v1alpha1:Workload").find((c) => c.inputs.metadata.name === "cs-alice")!;
    assert.equal(wl.inputs.spec.digest, cs.digest, "the Workload record and the output carry one digest");
    // Under mocks a Chart has no children: nothing observed, so nobody gets a URL yet.
    assert.deepEqual(await value(outputs.endpoints), { "cs-alice": [], gateway: [], "vllm-qwen": [] });
  });
});
