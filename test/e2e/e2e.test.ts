// `pulumi up` of the local stack on real parts: a loopback API server with kwok nodes, a file backend,
// the pinned engine and provider, the code-server chart served from a loopback Helm repository.
// Everything is asserted on what the API server holds and on the stack's outputs.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { type ChartServer, serveHelmRepo, serveOciRegistry } from "../chartServers";
import { ROOT, ocdpAsync, scratchProject } from "../helpers";
import { changedSteps } from "../previewSteps";
import { assertContains } from "../applied";
import { requiredReferences } from "../../src/steps/references";
import { clusterDown, clusterUp, installProvider, kubectl, pulumi, pulumiEnv } from "../pulumiEnv";

const PROVIDER_VERSION = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")).version as string;
const STACK = "e2e";
// A registry credential held as a Pulumi secret: it must reach the cluster and nothing else.
const REGISTRY_PASSWORD = "e2e-registry-s3cr3t-7f3a";
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("e2e: the local stack through pulumi up on a real API server", { timeout: 3_000_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kubeconfig: string;
  let repo: ChartServer;
  let registry: ChartServer;
  let stackDoc: Obj;
  const get = (args: string[]) => JSON.parse(kubectl(kubeconfig, [...args, "-o", "json"]).out);
  /** The API server says NotFound: any other failure (a dead cluster, a typo in the kind) is not absence. */
  const absent = (kind: string, name: string, namespace: string, why: string) => {
    const r = kubectl(kubeconfig, ["get", kind, name, "-n", namespace]);
    assert.notEqual(r.code, 0, why);
    assert.match(r.err, new RegExp(`Error from server \\(NotFound\\): .* "${name}" not found`), `${why}: ${r.err}`);
  };
  const writeStack = () => writeFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), yaml.dump(stackDoc, { noRefs: true }));
  const claims = () => stackDoc.config["ocdp:claims"] as Obj[];
  const up = async () => {
    const r = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    return r;
  };
  const outputs = async () => JSON.parse((await pulumi(dir, env, ["stack", "output", "--json", "--show-secrets", "--stack", STACK])).out);

  before(async () => {
    dir = scratchProject();
    kubeconfig = clusterUp(join(dir, ".cluster"), 2);
    // The code-server chart from a loopback Helm repository, and a second template taking it from a
    // loopback OCI registry over plain HTTP (Chart v4 `plainHttp` inside the provider).
    repo = await serveHelmRepo();
    registry = await serveOciRegistry();
    const project = yaml.load(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as Obj;
    const templates = structuredClone(project.config["ocdp:templates"].value);
    const cs = templates.find((t: Obj) => t.id === "code-server");
    cs.source = { ...cs.source, repositoryUrl: repo.url, chart: "code-server" };
    templates.push({ ...cs, id: "code-server-oci", source: { ...cs.source, repositoryUrl: registry.url, plainHttp: true } });
    stackDoc = yaml.load(readFileSync(join(dir, "stacks", "Pulumi.local.yaml"), "utf8")) as Obj;
    stackDoc.config["ocdp:templates"] = templates;
    stackDoc.config["ocdp:claims"].push({ name: "cs-oci", templateId: "code-server-oci", workspaceId: "team-b", owner: { user: "alice" }, values: { storage: { size: "5Gi" } } });
    // A Kustomize-only claim whose string input looks like a number: kustomize makes it 8, the applied
    // env value must still be the string "8" (the API server refuses a number there).
    stackDoc.config["ocdp:claims"].push({ name: "vllm-num", templateId: "vllm-server", workspaceId: "team-b", owner: { user: "alice" }, values: { model: "8", gpu: { count: 1, memory: 1024 }, cache: { size: "1Gi" } } });
    stackDoc.config["ocdp:policy"].workspaces["team-b"].budget = { cpu: "8", memory: "24Gi", claims: 5 };
    // alice may claim into team-b too on this cluster (the stack adds to the project's directory).
    stackDoc.config["ocdp:access"].workspaces["team-b"].users = ["alice"];
    stackDoc.config["ocdp:policy"].workspaces["team-a"].imagePullSecrets = ["mirror"];
    writeStack();
    env = pulumiEnv(join(dir, ".pulumi-e2e"));
    installProvider(env, PROVIDER_VERSION);
    assert.equal((await pulumi(dir, env, ["stack", "init", STACK])).code, 0);
    for (const [key, value, secret] of [["server", "registry.local:5000", false], ["username", "robot", false], ["password", REGISTRY_PASSWORD, true]] as const) {
      const r = await pulumi(dir, env, ["config", "set", "--stack", STACK, "--path", `ocdp:registryCredentials.mirror.${key}`, value, ...(secret ? ["--secret"] : [])]);
      assert.equal(r.code, 0, r.err);
    }
    // Later edits keep what pulumi wrote (the encryption salt, the secure value).
    stackDoc = yaml.load(readFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), "utf8")) as Obj;
    assert.ok(!JSON.stringify(stackDoc).includes(REGISTRY_PASSWORD), "the stack file holds ciphertext only");
  });

  after(async () => {
    if (env) {
      const d = await pulumi(dir, env, ["destroy", "--yes", "--skip-preview", "--stack", STACK]);
      assert.equal(d.code, 0, d.err);
    }
    repo?.close();
    registry?.close();
    const down = clusterDown(join(dir, ".cluster"));
    assert.equal(down.code, 0, down.err);
  });

  it("1-2. pulumi up applies every claim into its workspace, with labels, CRs, and exactly what ocdp render prints (the same objects, every rendered field equal)", async () => {
    const upRun = await up();
    const render = await ocdpAsync(dir, ["render", "--stack", STACK, "--format", "json"]);
    // Claims by name; the workspaces' quotas (keys workspace/<ws>) are checked in step 7.
    const rendered = Object.fromEntries(Object.entries(JSON.parse(render.out)).filter(([k]) => !k.includes("/")));
    // The same set of objects, of every kind the API server serves: every labelled object in the cluster
    // is one ocdp render printed, and the other way round. Left out, each for a reason: objects a
    // controller made from ours (ownerReferences: a Deployment's ReplicaSets and Pods, a Service's
    // EndpointSlices), Endpoints (the endpoints controller copies a Service's labels onto them, with no
    // owner), and the claim's own records (WorkloadClaim, Workload: checked below).
    const kinds = kubectl(kubeconfig, ["api-resources", "--verbs=list", "-o", "name"]).out.trim().split("\n").filter((k) => k && !k.startsWith("events")).join(",");
    const listed = get(["get", kinds, "-A", "-l", "ocdp.io/claim"]).items as Obj[];
    const key = (o: Obj) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    const ours = (objs: Obj[]) => objs.filter((o) => !o.metadata.ownerReferences?.length && o.kind !== "Endpoints"
      && !(o.apiVersion.startsWith("ocdp.io/") && ["WorkloadClaim", "Workload"].includes(o.kind))).map(key).sort();
    const live = ours(listed);
    const want = Object.values(rendered).flat().map(key).sort();
    assert.deepEqual(live, want);
    assert.ok(listed.some((o) => o.kind === "Pod"), "the listing sees objects a controller made (so the filter above is what keeps them out)");
    // Every object a deployed pod needs exists in the API server (kwok runs pods without looking).
    const pods = listed.filter((o) => o.kind === "Pod");
    for (const pod of pods) {
      for (const ref of requiredReferences(pod.spec)) {
        const r = kubectl(kubeconfig, ["get", ref.kind, ref.name, "-n", pod.metadata.namespace]);
        assert.equal(r.code, 0, `Pod ${pod.metadata.name} needs ${ref.kind} ${ref.name} (${ref.via}): ${r.err}`);
      }
    }
    assert.ok(pods.some((p) => requiredReferences(p.spec).length > 0), "some pod needs an object (the loop checks something)");
    // The check can fail: one labelled object made by hand, of a kind the render does not hold, is seen.
    const extra = join(dir, "extra.json");
    writeFileSync(extra, JSON.stringify({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "extra", namespace: "ws-team-a", labels: { "ocdp.io/claim": "cs-alice" } } }));
    assert.equal(kubectl(kubeconfig, ["create", "-f", extra]).code, 0);
    const withExtra = ours(get(["get", kinds, "-A", "-l", "ocdp.io/claim"]).items);
    assert.notDeepEqual(withExtra, want);
    assert.ok(withExtra.includes("v1/ServiceAccount/ws-team-a/extra"));
    assert.equal(kubectl(kubeconfig, ["delete", "-f", extra]).code, 0);
    assert.ok(!`${upRun.out}${upRun.err}${render.out}${render.err}`.includes(REGISTRY_PASSWORD), "no secret in pulumi's or ocdp's output");
    for (const [claim, objs] of Object.entries(rendered) as [string, Obj[]][]) {
      for (const o of objs) {
        const live = get(["get", o.kind, o.metadata.name, "-n", o.metadata.namespace]);
        assert.equal(live.metadata.labels["ocdp.io/claim"], claim);
        assert.equal(live.metadata.labels["ocdp.io/workspace"], o.metadata.labels["ocdp.io/workspace"]);
        // The applied object contains what the offline render printed (the server adds, never changes).
        assertContains(live, o, `${claim} ${o.kind}/${o.metadata.name}`);
      }
    }
    const wc = get(["get", "workloadclaims.ocdp.io", "-A"]).items;
    assert.deepEqual(wc.map((x: Obj) => x.metadata.name).sort(), ["cs-alice", "cs-oci", "gateway", "vllm-num", "vllm-qwen"]);
    const model = (objs: Obj[]) => objs.find((o) => o.kind === "Deployment").spec.template.spec.containers[0].env.find((e: Obj) => e.name === "MODEL").value;
    assert.equal(model(rendered["vllm-num"] as Obj[]), "8", "offline: a string");
    assert.equal(model([get(["get", "deployment", "vllm-num-vllm-server", "-n", "ws-team-b"])]), "8", "applied through Directory: a string");
    // The provider made the depends-on annotations Pulumi dependencies: a workload is created after the
    // volume it mounts, through Chart v4 (post-renderer) and Directory v2 (the stage's transformers).
    const exported = JSON.parse((await pulumi(dir, env, ["stack", "export", "--stack", STACK])).out).deployment.resources as Obj[];
    const urnOf = (type: string, name: string) => exported.find((r) => r.type === type && r.outputs?.metadata?.name === name)?.urn;
    for (const [deployment, volume] of [["cs-alice", "cs-alice"], ["vllm-num-vllm-server", "vllm-num-vllm-server-cache"]]) {
      const d = exported.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.outputs?.metadata?.name === deployment);
      const pvc = urnOf("kubernetes:core/v1:PersistentVolumeClaim", volume);
      assert.ok(pvc && d?.dependencies?.includes(pvc), `${deployment} depends on ${volume} in the state: ${JSON.stringify(d?.dependencies)}`);
    }
    // Volumes outlive their claim: Chart v4 from the render's helm.sh/resource-policy, Directory v2 from its one transform.
    for (const volume of ["cs-alice", "vllm-num-vllm-server-cache"]) {
      const r = exported.find((x) => x.type === "kubernetes:core/v1:PersistentVolumeClaim" && x.outputs?.metadata?.name === volume);
      assert.equal(r?.retainOnDelete, true, `${volume} retained on delete`);
    }
    const oci = get(["get", "workloads.ocdp.io", "cs-oci", "-n", "ws-team-b"]);
    assert.equal(oci.spec.chart.repository, "", "an oci:// chart is its own reference");
    assert.match(oci.spec.chart.name, /^oci:\/\/127\.0\.0\.1:\d+\/charts\/code-server$/);
    const w = get(["get", "workloads.ocdp.io", "vllm-qwen", "-n", "ws-team-a"]);
    assert.match(w.spec.digest, /^sha256:/);
  });

  it("1b. the registry credential becomes a pull Secret in the workspace that lists it, and stays secret", async () => {
    const secret = get(["get", "secret", "mirror", "-n", "ws-team-a"]);
    assert.equal(secret.type, "kubernetes.io/dockerconfigjson");
    const doc = JSON.parse(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString());
    assert.equal(Buffer.from(doc.auths["registry.local:5000"].auth, "base64").toString(), `robot:${REGISTRY_PASSWORD}`);
    absent("secret", "mirror", "ws-team-b", "team-b does not list it");
    const pod = get(["get", "deployment", "cs-alice", "-n", "ws-team-a"]).spec.template.spec;
    assert.deepEqual(pod.imagePullSecrets, [{ name: "mirror" }]);
    const state = await pulumi(dir, env, ["stack", "export", "--stack", STACK]);
    assert.equal(state.code, 0, state.err);
    assert.ok(state.out.includes("mirror") && !state.out.includes(REGISTRY_PASSWORD), "state holds the credential encrypted only");
    const outs = await pulumi(dir, env, ["stack", "output", "--json", "--show-secrets", "--stack", STACK]);
    assert.ok(!outs.out.includes(REGISTRY_PASSWORD));
  });

  it("3. endpoints: NodePort from the allocated port, LoadBalancer pending then observed, ClusterIP only for admins", async () => {
    let out = await outputs();
    const nodePort = get(["get", "service", "cs-alice", "-n", "ws-team-a"]).spec.ports[0].nodePort;
    assert.equal(out.endpoints["cs-alice"][0].url, `http://127.0.0.1:${nodePort}`);
    const ociPort = get(["get", "service", "cs-oci", "-n", "ws-team-b"]).spec.ports[0].nodePort;
    assert.notEqual(ociPort, nodePort);
    assert.equal(out.endpoints["cs-oci"][0].url, `http://127.0.0.1:${ociPort}`);
    assert.equal(out.endpoints.gateway[0].url, "pending");
    assert.deepEqual(out.endpoints["vllm-qwen"], []);
    assert.deepEqual(out.workloads["vllm-qwen"].internal, ["vllm-qwen-vllm-server.ws-team-a.svc:8000"]);
    assert.deepEqual(out.workloads.gateway.pendingLoadBalancers, ["gateway-litellm"]);
    // What a load-balancer controller would do.
    kubectl(kubeconfig, ["patch", "service", "gateway-litellm", "-n", "ws-team-b", "--subresource=status", "--type=merge",
      "-p", JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: "203.0.113.10" }] } } })]);
    assert.equal((await pulumi(dir, env, ["refresh", "--yes", "--skip-preview", "--stack", STACK])).code, 0);
    await up();
    out = await outputs();
    assert.equal(out.endpoints.gateway[0].url, "http://203.0.113.10:4000");
  });

  it("4. one value changed: preview --diff shows that claim's change only; up applies it", async () => {
    claims().find((c) => c.name === "cs-alice").values.gpu.count = 2;
    writeStack();
    const p = await pulumi(dir, env, ["preview", "--diff", "--stack", STACK]);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /nvidia\.com\/gpu: "?1"? => "?2"?/);
    // Which resources change, from the engine's own steps (--json), not from the lines of its human output.
    const j = await pulumi(dir, env, ["preview", "--json", "--stack", STACK]);
    assert.equal(j.code, 0, j.err);
    const { inside, outside } = changedSteps(JSON.parse(j.out).steps, "cs-alice");
    assert.deepEqual(outside, [], "no other claim, quota or stack resource changes");
    assert.ok(inside.some((x) => x.op === "update" && /apps\/v1:Deployment::/.test(x.urn)), JSON.stringify(inside));
    assert.ok(inside.every((x) => x.op === "update"), `nothing created, deleted or replaced: ${JSON.stringify(inside)}`);
    await up();
    assert.equal(get(["get", "deployment", "cs-alice", "-n", "ws-team-a"]).spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"], "2");
  });

  it("5. a removed claim loses its runtime objects but not its volume; re-added, it gets the same volume back", async () => {
    const uid = get(["get", "pvc", "vllm-qwen-vllm-server-cache", "-n", "ws-team-a"]).metadata.uid;
    const saved = claims().find((c) => c.name === "vllm-qwen");
    stackDoc.config["ocdp:claims"] = claims().filter((c) => c.name !== "vllm-qwen");
    writeStack();
    await up();
    absent("deployment", "vllm-qwen-vllm-server", "ws-team-a", "the removed claim's Deployment is gone");
    absent("service", "vllm-qwen-vllm-server", "ws-team-a", "the removed claim's Service is gone");
    // The check can fail: a kubectl failure that is not NotFound (a kind the server does not serve) is not absence.
    assert.throws(() => absent("deploymentz", "vllm-qwen-vllm-server", "ws-team-a", "a typo"), /a typo: error: the server doesn't have a resource type "deploymentz"/);
    assert.equal(get(["get", "pvc", "vllm-qwen-vllm-server-cache", "-n", "ws-team-a"]).metadata.uid, uid, "the PVC stays");
    stackDoc.config["ocdp:claims"] = [...claims(), saved];
    writeStack();
    await up();
    assert.equal(get(["get", "pvc", "vllm-qwen-vllm-server-cache", "-n", "ws-team-a"]).metadata.uid, uid, "the same PVC is adopted");
    assert.equal(kubectl(kubeconfig, ["get", "deployment", "vllm-qwen-vllm-server", "-n", "ws-team-a"]).code, 0);
  });

  it("6. a bad claim fails preview and up with the precise error; nothing deployed changes", async () => {
    const before = get(["get", "deployments", "-A", "-l", "ocdp.io/claim"]).items.map((d: Obj) => `${d.metadata.namespace}/${d.metadata.name}@${d.metadata.uid}/gen${d.metadata.generation}`).sort();
    stackDoc.config["ocdp:claims"] = [...claims(), { name: "cs-bad", templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 99 } } }];
    writeStack();
    for (const cmd of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const r = await pulumi(dir, env, [...cmd, "--stack", STACK]);
      assert.notEqual(r.code, 0);
      assert.match(r.out + r.err, /stack e2e, claim cs-bad, field values.gpu.count: must be <= 8 \(got 99\)/);
    }
    const afterList = get(["get", "deployments", "-A", "-l", "ocdp.io/claim"]).items.map((d: Obj) => `${d.metadata.namespace}/${d.metadata.name}@${d.metadata.uid}/gen${d.metadata.generation}`).sort();
    assert.deepEqual(afterList, before);
    stackDoc.config["ocdp:claims"] = claims().filter((c) => c.name !== "cs-bad");
    writeStack();
  });

  it("7. the cluster enforces the budgets: each quota holds what ocdp render prints, and a Pod made by hand beyond it is refused", async () => {
    const render = JSON.parse((await ocdpAsync(dir, ["render", "--stack", STACK, "--format", "json"])).out);
    for (const ws of ["team-a", "team-b"]) {
      const [want] = render[`workspace/${ws}`];
      const live = get(["get", "resourcequota", "ocdp-budget", "-n", `ws-${ws}`]);
      assertContains(live, want, `quota of ${ws}`);
    }
    assert.deepEqual(get(["get", "resourcequota", "ocdp-budget", "-n", "ws-team-a"]).spec.hard,
      { "limits.nvidia.com/gpumem": "163840", "requests.nvidia.com/gpu": "4", "requests.storage": "200Gi" });
    // The quota controller counts the GPUs of the namespace's running pods (cs-alice 2, vllm-qwen 1 at this point).
    const running = () => get(["get", "pods", "-n", "ws-team-a"]).items.filter((p: Obj) => !["Succeeded", "Failed"].includes(p.status.phase) && !p.metadata.deletionTimestamp);
    const gpusOf = (pods: Obj[]) => pods.reduce((n: number, p: Obj) => n + p.spec.containers.reduce((m: number, c: Obj) => m + Number(c.resources?.requests?.["nvidia.com/gpu"] ?? 0), 0), 0);
    let used: Obj;
    let inPods = -1;
    for (let i = 0; i < 60; i++) {
      inPods = gpusOf(running());
      used = get(["get", "resourcequota", "ocdp-budget", "-n", "ws-team-a"]).status?.used;
      if (used?.["requests.nvidia.com/gpu"] === String(inPods)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(used?.["requests.nvidia.com/gpu"], String(inPods), `quota used vs the pods' GPUs: ${running().map((p: Obj) => p.metadata.name).join(", ")}`);
    assert.ok(inPods >= 1 && inPods < 4, `GPUs in use: ${inPods}`);
    const pod = join(dir, "by-hand.json");
    const podWith = (gpus: number) => writeFileSync(pod, JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: `by-hand-${gpus}`, namespace: "ws-team-a" },
      spec: { containers: [{ name: "c", image: "busybox", resources: { limits: { "nvidia.com/gpu": String(gpus) } } }] } }));
    const over = 4 - inPods + 1;
    podWith(over);
    const refused = kubectl(kubeconfig, ["create", "-f", pod]);
    assert.notEqual(refused.code, 0, "beyond the budget");
    assert.match(refused.err, new RegExp(`exceeded quota: ocdp-budget, requested: requests\\.nvidia\\.com/gpu=${over}, used: requests\\.nvidia\\.com/gpu=${inPods}, limited: requests\\.nvidia\\.com/gpu=4`));
    podWith(over - 1);
    const fits = kubectl(kubeconfig, ["create", "-f", pod]);
    assert.equal(fits.code, 0, `within the budget: ${fits.err}`);
    assert.equal(kubectl(kubeconfig, ["delete", "-f", pod, "--wait=false"]).code, 0);
  });

  it("8. over budget: preview and up fail with the numbers before anything changes", async () => {
    const list = () => get(["get", "deployments", "-A", "-l", "ocdp.io/claim"]).items.map((d: Obj) => `${d.metadata.namespace}/${d.metadata.name}@${d.metadata.uid}/gen${d.metadata.generation}`).sort();
    const before = list();
    const cs = claims().find((c) => c.name === "cs-alice");
    const saved = structuredClone(cs.values);
    cs.values.gpu.count = 4;
    writeStack();
    for (const cmd of [["preview"], ["up", "--yes", "--skip-preview"]]) {
      const r = await pulumi(dir, env, [...cmd, "--stack", STACK]);
      assert.notEqual(r.code, 0);
      assert.match(r.out + r.err, /stack e2e, field ocdp:policy\.workspaces\.team-a\.budget: workspace team-a: nvidia\.com\/gpu 5 > budget 4 \(cs-alice 4, vllm-qwen 1\)/);
    }
    assert.deepEqual(list(), before);
    cs.values = saved;
    writeStack();
  });

  it("8b. a stopped GPU claim: no pods, the same volume and nodePort, its GPUs back in the quota, so a claim over budget deploys; started, it comes back on them", async () => {
    const pods = (claim: string) => get(["get", "pods", "-n", "ws-team-a", "-l", `ocdp.io/claim=${claim}`]).items.filter((p: Obj) => !p.metadata.deletionTimestamp);
    const volume = () => { const v = get(["get", "pvc", "cs-alice", "-n", "ws-team-a"]); return `${v.metadata.uid}/${v.spec.volumeName}/${v.status.phase}`; };
    const nodePort = () => get(["get", "service", "cs-alice", "-n", "ws-team-a"]).spec.ports[0].nodePort;
    const usedGpus = async (want: string) => {
      let used = "";
      for (let i = 0; i < 60 && used !== want; i++) {
        used = get(["get", "resourcequota", "ocdp-budget", "-n", "ws-team-a"]).status?.used?.["requests.nvidia.com/gpu"];
        if (used !== want) await new Promise((r) => setTimeout(r, 1000));
      }
      return used;
    };
    const [vol, port] = [volume(), nodePort()];
    assert.match(vol, /\/Bound$/);
    assert.ok(pods("cs-alice").length > 0);
    assert.equal(await usedGpus("3"), "3", "cs-alice 2, vllm-qwen 1");
    // Over budget while cs-alice runs: 2 + 1 + 3 > 4.
    const more = { name: "cs-more", templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 3, memory: 8192 } } };
    stackDoc.config["ocdp:claims"] = [...claims(), more];
    writeStack();
    const over = await ocdpAsync(dir, ["render", "--stack", STACK]);
    assert.equal(over.code, 1);
    assert.match(over.err, /workspace team-a: nvidia\.com\/gpu 6 > budget 4/);
    stackDoc.config["ocdp:claims"] = claims().filter((c) => c.name !== "cs-more");
    writeStack();

    const stop = await ocdpAsync(dir, ["claim", "stop", "--stack", STACK, "--name", "cs-alice"]);
    assert.equal(stop.code, 0, stop.err);
    stackDoc = yaml.load(readFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), "utf8")) as Obj;
    await up();
    for (let i = 0; i < 60 && pods("cs-alice").length; i++) await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(pods("cs-alice"), [], "its pods are gone");
    assert.equal(volume(), vol, "the same PVC, Bound to the same volume");
    assert.equal(nodePort(), port, "the same nodePort");
    assert.equal(await usedGpus("1"), "1", "the quota's used GPUs drop by the claim's 2");
    const status = await ocdpAsync(dir, ["status", "--stack", STACK, "--claim", "cs-alice"]);
    assert.equal(status.code, 0, status.out + status.err);
    assert.match(status.out, /cs-alice +team-a +stopped +0 +http:\/\/127\.0\.0\.1:\d+ +stopped: no pods/);
    // The same from a stack whose kubeconfig is only the secret ocdp:kubeconfig, no KUBECONFIG set.
    const secretStack = structuredClone(stackDoc);
    delete secretStack.config["ocdp:cluster"].kubeconfig;
    delete secretStack.encryptionsalt;
    for (const k of Object.keys(secretStack.config)) if (!k.startsWith("ocdp:") || k === "ocdp:registryCredentials") delete secretStack.config[k];
    writeFileSync(join(dir, "stacks", "Pulumi.e2e-secret.yaml"), yaml.dump(secretStack, { noRefs: true }));
    assert.equal((await pulumi(dir, env, ["stack", "init", "e2e-secret"])).code, 0);
    const set = await pulumi(dir, env, ["config", "set", "--secret", "ocdp:kubeconfig", readFileSync(kubeconfig, "utf8"), "--stack", "e2e-secret"]);
    assert.equal(set.code, 0, set.err);
    const viaSecret = await ocdpAsync(dir, ["status", "--stack", "e2e-secret", "--claim", "cs-alice"], 120_000, { ...env, KUBECONFIG: join(dir, "no-such-kubeconfig") });
    assert.equal(viaSecret.code, 0, viaSecret.out + viaSecret.err);
    assert.match(viaSecret.out, /cs-alice +team-a +stopped +0 /);
    assert.equal((await pulumi(dir, env, ["stack", "rm", "--yes", "e2e-secret"])).code, 0);
    rmSync(join(dir, "stacks", "Pulumi.e2e-secret.yaml"), { force: true });
    const endpoints = await ocdpAsync(dir, ["endpoints", "--stack", STACK], 120_000, env);
    assert.match(endpoints.out, /^cs-alice +team-a +NodePort +stopped \(ocdp claim start\)$/m, "the stack's output says stopped instead of a URL");

    stackDoc.config["ocdp:claims"] = [...claims(), more];
    writeStack();
    await up();
    assert.ok(pods("cs-more").length > 0, "the claim over budget before the stop deploys");
    assert.equal(await usedGpus("4"), "4");

    // The room goes first: Pulumi deletes after it updates, so in one run the started pods would wait for
    // GPUs that the removed claim still holds (the quota refuses them) until the readiness timeout.
    stackDoc.config["ocdp:claims"] = claims().filter((c) => c.name !== "cs-more");
    writeStack();
    await up();
    const start = await ocdpAsync(dir, ["claim", "start", "--stack", STACK, "--name", "cs-alice"]);
    assert.equal(start.code, 0, start.err);
    stackDoc = yaml.load(readFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), "utf8")) as Obj;
    assert.equal(claims().find((c) => c.name === "cs-alice").state, undefined, "started: the key is gone");
    await up();
    for (let i = 0; i < 60 && !pods("cs-alice").length; i++) await new Promise((r) => setTimeout(r, 1000));
    assert.ok(pods("cs-alice").length > 0, "its pods are back");
    assert.equal(pods("cs-alice")[0].spec.volumes.find((v: Obj) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName, "cs-alice");
    assert.equal(volume(), vol, "on the same volume");
    assert.equal(nodePort(), port, "at the same nodePort");
  });

  it("9. a claim asking for more GPUs than the cluster has: up fails once the stack's readiness timeout (20 s) is spent, not the default ten minutes, and ocdp status gives the scheduler's reason", async () => {
    // What an up costs here with nothing to wait for: the failing up may take that, plus the timeout, plus a margin.
    const n0 = Date.now();
    await up();
    const noWait = Date.now() - n0;
    const saved = structuredClone(stackDoc.config);
    // Budgets lifted for this step: the cluster itself (two kwok nodes of 8 GPUs) is what refuses.
    delete stackDoc.config["ocdp:policy"].budget;
    stackDoc.config["ocdp:policy"].workspaces["team-a"].budget = { "nvidia.com/gpu": 64 };
    stackDoc.config["ocdp:cluster"].timeouts = { readiness: "20s" };
    for (const n of ["cs-huge-1", "cs-huge-2"]) claims().push({ name: n, templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 8 }, storage: { size: "1Gi" } } });
    writeStack();
    const t0 = Date.now();
    const r = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", STACK]);
    assert.notEqual(r.code, 0, "2 x 8 GPUs cannot all fit beside the GPUs in use on 2 x 8");
    assert.match(r.out + r.err, /each workload has 20s to become ready \(ocdp:cluster\.timeouts\.readiness\); if one does not, `npx ocdp status --stack e2e` says why/);
    // Two new claims add a chart each to render and create: up to twice a no-change up, the 20 s, and 30 s.
    const bound = 2 * noWait + 20_000 + 30_000;
    assert.ok(Date.now() - t0 < bound, `failed in ${Date.now() - t0} ms; a no-change up took ${noWait} ms, so the bound is ${bound} ms`);
    // The volume taken back in step 5 (a new Pulumi field manager beside its first life's) follows the
    // stack's new timeout: pulumi.com/patchForce on PVCs, else a server-side apply conflict.
    assert.equal(get(["get", "pvc", "vllm-qwen-vllm-server-cache", "-n", "ws-team-a"]).metadata.annotations["pulumi.com/timeoutSeconds"], "20", (r.out + r.err).slice(-3000));
    const st = await ocdpAsync(dir, ["status", "--stack", STACK, "--json"]);
    assert.equal(st.code, 5, `${st.err}\n${st.out}\n${(r.out + r.err).slice(-4000)}`);
    const byClaim = Object.fromEntries(JSON.parse(st.out).claims.map((c: Obj) => [c.claim, c]));
    const stuck = ["cs-huge-1", "cs-huge-2"].map((n) => byClaim[n]).filter((c) => c.state !== "ready");
    assert.ok(stuck.length >= 1, JSON.stringify(byClaim));
    assert.equal(stuck[0].state, "failed", `${JSON.stringify(stuck[0])}\n${(r.out + r.err).slice(-4000)}`);
    assert.match(stuck[0].reason, /cannot be scheduled: 0\/2 nodes are available: .*Insufficient nvidia\.com\/gpu/);
    assert.equal(stuck[0].gpus, 8);
    assert.equal(byClaim["cs-alice"].state, "ready");
    assert.match(byClaim["cs-alice"].endpoints[0].url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const text = await ocdpAsync(dir, ["status", "--stack", STACK, "--claim", stuck[0].claim]);
    assert.match(text.out, new RegExp(`^${stuck[0].claim}\\s+team-a\\s+failed\\s+8\\s+\\S+\\s+Pod \\S+ cannot be scheduled`, "m"));
    stackDoc.config = saved;
    writeStack();
    await up();
    const after = await ocdpAsync(dir, ["status", "--stack", STACK, "--wait", "60s"]);
    assert.equal(after.code, 0, after.out);
  });
});
