#!/usr/bin/env node
// A local Kubernetes cluster on loopback from the pinned binaries: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and kwok (simulated nodes that run pods). Ports are chosen
// free at start; certificates, a token, a kubeconfig, pids and logs live in the cluster folder
// (default .cluster/, git-ignored). `down` stops every process and checks no port stays bound.
// The cluster is sized to what it must serve: `--stack S` counts the stack's rendered PersistentVolumeClaims,
// GPUs and pods (`ocdp render`/`ocdp usage`), or `--gpus`, `--pods`, `--volumes` say it directly; nodes
// (8 GPUs, 110 pods each, one spare for rolling updates) and pre-made volumes follow, never fewer than the
// defaults (2 nodes, 16 volumes).
//   node scripts/cluster.mjs up [--dir D] [--nodes N] [--stack S | --gpus G --pods P --volumes V]
//   node scripts/cluster.mjs down [--dir D]
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { K8S } from "./toolchain.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, ".tools", "bin", name);
const log = (msg) => process.stderr.write(`[cluster] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function portOpen(port) {
  return new Promise((res) => {
    const c = connect({ port, host: "127.0.0.1" });
    c.on("connect", () => { c.destroy(); res(true); });
    c.on("error", () => res(false));
  });
}

function openssl(args, cwd) {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA, a serving certificate for 127.0.0.1/localhost, and the service-account key pair. */
function makePki(pki) {
  mkdirSync(pki, { recursive: true });
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=ocdp-local-ca",
    "-keyout", "ca.key", "-out", "ca.crt"], pki);
  writeFileSync(join(pki, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth,clientAuth\n");
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=kube-apiserver", "-keyout", "server.key", "-out", "server.csr"], pki);
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
    "-extfile", "server.ext", "-out", "server.crt"], pki);
  openssl(["genrsa", "-out", "sa.key", "2048"], pki);
  openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], pki);
}

function kubeconfig(server, caFile, token) {
  const ca = readFileSync(caFile).toString("base64");
  return `apiVersion: v1
kind: Config
clusters:
  - name: ocdp-local
    cluster: {server: "${server}", certificate-authority-data: ${ca}}
users:
  - name: admin
    user: {token: "${token}"}
contexts:
  - name: ocdp-local
    context: {cluster: ocdp-local, user: admin}
current-context: ocdp-local
`;
}

function start(dir, name, args) {
  const out = openSync(join(dir, "logs", `${name}.log`), "a");
  const p = spawn(bin(name), args, { detached: true, stdio: ["ignore", out, out] });
  p.unref();
  return p.pid;
}

async function waitFor(what, fn, timeoutMs = 90_000) {
  const t0 = Date.now();
  for (;;) {
    if (await fn()) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} not ready after ${timeoutMs / 1000}s`);
    await sleep(300);
  }
}

function kubectl(kcfg, args, input) {
  return execFileSync("kubectl", ["--kubeconfig", kcfg, ...args], { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

const GPUS_PER_NODE = 8;
const PODS_PER_NODE = 110;
const VOLUME_GI = 200;

/**
 * What a stack needs of the cluster, from its render: volumes (one per PVC, and per replica of a
 * StatefulSet's volumeClaimTemplates), GPUs (`ocdp usage`, the same count as the budgets), pods.
 */
export function sizeForStack(stack, project = root) {
  const ocdp = (args) => execFileSync(process.execPath, [join(project, "bin", "ocdp.js"), ...args], { cwd: project, encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
  const rendered = JSON.parse(ocdp(["render", "--stack", stack, "--format", "json"]));
  let volumes = 0;
  let pods = 0;
  let gpusPerPod = 0;
  for (const objects of Object.values(rendered)) {
    for (const o of Array.isArray(objects) ? objects : [objects]) {
      const replicas = o.spec?.replicas ?? 1;
      const pod = o.spec?.template?.spec;
      const podGpus = (pod?.containers ?? []).reduce((n, c) => n + Number(c.resources?.limits?.["nvidia.com/gpu"] ?? 0), 0);
      gpusPerPod = Math.max(gpusPerPod, podGpus);
      if (o.kind === "PersistentVolumeClaim") volumes++;
      if (o.kind === "StatefulSet") volumes += replicas * (o.spec.volumeClaimTemplates?.length ?? 0);
      if (["Deployment", "StatefulSet", "ReplicaSet"].includes(o.kind)) pods += replicas;
      if (o.kind === "Job") pods += o.spec?.parallelism ?? 1;
      if (o.kind === "Pod") pods++;
    }
  }
  const usage = JSON.parse(ocdp(["usage", "--stack", stack, "--json"]));
  const gpus = Object.values(usage.workspaces).reduce((n, w) => n + (w["nvidia.com/gpu"]?.used ?? 0), 0);
  return { volumes, gpus, pods, gpusPerPod };
}

/**
 * Nodes and volumes for a demand; the defaults are the floor. GPUs are whole devices per node and the
 * scheduler does not pack them: a node with fewer free than a pod asks for is lost to it. With `k` the
 * largest request, any node that cannot take such a pod uses more than 8 - k GPUs, so with more nodes
 * than gpus / (8 - k + 1) one always can (at 300 claims, 3-GPU pods waited forever on a cluster sized
 * by the total alone). One node more: a changed claim rolls out a new pod before its old one goes.
 */
export function capacityFor({ nodes = 2, gpus = 0, pods = 0, volumes = 0, gpusPerPod = 1 } = {}) {
  const perNode = Math.max(1, GPUS_PER_NODE - Math.max(1, gpusPerPod) + 1);
  return {
    nodes: Math.max(nodes, gpus > 0 ? Math.floor(gpus / perNode) + 2 : 1, Math.ceil(pods / PODS_PER_NODE) + 1),
    volumes: Math.max(16, volumes),
  };
}

export async function up({ dir = join(root, ".cluster"), nodes: minNodes = 2, gpus = 0, pods = 0, volumes: wantVolumes = 0, gpusPerPod = 1 } = {}) {
  const { nodes, volumes: volumeCount } = capacityFor({ nodes: minNodes, gpus, pods, volumes: wantVolumes, gpusPerPod });
  dir = resolve(dir);
  if (existsSync(join(dir, "state.json"))) await down({ dir });
  const t0 = Date.now();
  for (const b of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"]) {
    if (!existsSync(bin(b))) throw new Error(`${bin(b)} is missing: run npm run setup`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "logs"), { recursive: true });
  const pki = join(dir, "pki");
  makePki(pki);
  const token = randomBytes(24).toString("hex");
  writeFileSync(join(pki, "tokens.csv"), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const ports = { etcd: await freePort(), peer: await freePort(), api: await freePort(), cm: await freePort(), sched: await freePort(), kwok: await freePort() };
  const state = { dir, ports, pids: {}, server: `https://127.0.0.1:${ports.api}` };
  const kcfg = join(dir, "kubeconfig");
  writeFileSync(kcfg, kubeconfig(state.server, join(pki, "ca.crt"), token), { mode: 0o600 });
  const save = () => writeFileSync(join(dir, "state.json"), JSON.stringify(state, null, 2));
  try {
    state.pids.etcd = start(dir, "etcd", ["--name", "ocdp", "--data-dir", join(dir, "etcd"),
      "--listen-client-urls", `http://127.0.0.1:${ports.etcd}`, "--advertise-client-urls", `http://127.0.0.1:${ports.etcd}`,
      "--listen-peer-urls", `http://127.0.0.1:${ports.peer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${ports.peer}`,
      "--initial-cluster", `ocdp=http://127.0.0.1:${ports.peer}`, "--log-level", "warn"]);
    save();
    await waitFor("etcd", () => portOpen(ports.etcd));
    state.pids["kube-apiserver"] = start(dir, "kube-apiserver", [
      "--etcd-servers", `http://127.0.0.1:${ports.etcd}`, "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
      "--secure-port", String(ports.api), "--tls-cert-file", join(pki, "server.crt"), "--tls-private-key-file", join(pki, "server.key"),
      "--client-ca-file", join(pki, "ca.crt"), "--token-auth-file", join(pki, "tokens.csv"), "--authorization-mode", "RBAC",
      "--service-account-issuer", "https://kubernetes.default.svc", "--service-account-key-file", join(pki, "sa.pub"),
      "--service-account-signing-key-file", join(pki, "sa.key"), "--service-cluster-ip-range", "10.96.0.0/16",
      "--service-node-port-range", "30000-32767", "--allow-privileged", "--endpoint-reconciler-type", "none",
      "--enable-priority-and-fairness=false"]);
    save();
    await waitFor("kube-apiserver /readyz", async () => {
      try { return kubectl(kcfg, ["get", "--raw", "/readyz"]).trim() === "ok"; } catch { return false; }
    });
    const common = ["--kubeconfig", kcfg, "--bind-address", "127.0.0.1", "--leader-elect=false"];
    state.pids["kube-controller-manager"] = start(dir, "kube-controller-manager", [...common, "--secure-port", String(ports.cm),
      "--service-account-private-key-file", join(pki, "sa.key"), "--root-ca-file", join(pki, "ca.crt"),
      "--controllers", "*,-nodeipam,-cloud-node-lifecycle,-service,-route", "--use-service-account-credentials=false"]);
    state.pids["kube-scheduler"] = start(dir, "kube-scheduler", [...common, "--secure-port", String(ports.sched)]);
    const stages = join(root, ".tools", "share", "kwok");
    // Leases: kwok renews each node's Lease in kube-node-lease, as a kubelet does. Without them the
    // node controller sees no heartbeat within its grace period, marks the nodes NotReady about once a
    // minute and their pods NotReady with them, and a later rollout hangs.
    state.pids.kwok = start(dir, "kwok", ["--kubeconfig", kcfg, "--manage-all-nodes=true", "--server-address", `127.0.0.1:${ports.kwok}`,
      "--node-lease-duration-seconds=40",
      ...["node-initialize.yaml", "node-heartbeat-with-lease.yaml", "pod-ready.yaml", "pod-complete.yaml", "pod-delete.yaml"].flatMap((f) => ["-c", join(stages, f)])]);
    save();
    const nodeCapacity = { cpu: "32", memory: "256Gi", pods: String(PODS_PER_NODE), "nvidia.com/gpu": String(GPUS_PER_NODE),
      "nvidia.com/gpumem": String(GPUS_PER_NODE * 81920), "nvidia.com/gpucores": String(GPUS_PER_NODE * 100) };
    const nodeList = Array.from({ length: nodes }, (_, i) => ({
      apiVersion: "v1", kind: "Node",
      metadata: { name: `kwok-node-${i}`, labels: { "kubernetes.io/hostname": `kwok-node-${i}`, type: "kwok" },
        annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" } },
      spec: {},
      status: { allocatable: nodeCapacity, capacity: nodeCapacity },
    }));
    kubectl(kcfg, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: nodeList }));
    await waitFor("kwok nodes Ready", () => {
      try {
        const st = JSON.parse(kubectl(kcfg, ["get", "nodes", "-o", "json"]));
        return st.items.length === nodes && st.items.every((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
      } catch { return false; }
    });
    // No volume provisioner runs here: a pool of pre-made volumes of the `local-path` class (the k3s
    // class the presets use) lets the PV controller bind claims, so pods schedule as on a real cluster.
    const volumes = Array.from({ length: volumeCount }, (_, i) => ({
      apiVersion: "v1", kind: "PersistentVolume",
      metadata: { name: `local-pv-${i}`, labels: { type: "kwok" } },
      spec: { capacity: { storage: `${VOLUME_GI}Gi` }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Retain",
        storageClassName: "local-path", hostPath: { path: `/var/ocdp/pv-${i}` } },
    }));
    kubectl(kcfg, ["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [
      { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "local-path" }, provisioner: "kubernetes.io/no-provisioner", volumeBindingMode: "Immediate", reclaimPolicy: "Retain" },
      ...volumes] }));
    await waitFor("default service account", () => {
      try { kubectl(kcfg, ["get", "serviceaccount", "default", "-n", "default"]); return true; } catch { return false; }
    });
    const version = JSON.parse(kubectl(kcfg, ["version", "-o", "json"])).serverVersion.gitVersion;
    log(`up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${state.server} (Kubernetes ${version}, ${nodes} kwok nodes: ${nodes * GPUS_PER_NODE} GPUs, ${nodes * PODS_PER_NODE} pods; ${volumeCount} volumes of ${VOLUME_GI}Gi), kubeconfig ${kcfg}`);
    if (version !== `v${K8S}`) throw new Error(`API server reports ${version}, expected v${K8S}`);
    return { ...state, kubeconfig: kcfg };
  } catch (e) {
    log(`failed: ${e.message} (logs in ${join(dir, "logs")})`);
    await down({ dir });
    throw e;
  }
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

export async function down({ dir = join(root, ".cluster") } = {}) {
  dir = resolve(dir);
  const file = join(dir, "state.json");
  if (!existsSync(file)) { log(`nothing running in ${dir}`); return; }
  const state = JSON.parse(readFileSync(file, "utf8"));
  // Reverse start order: clients first, etcd last.
  const order = ["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"];
  for (const name of order) {
    const pid = state.pids[name];
    if (!pid || !alive(pid)) continue;
    try { process.kill(-pid, "SIGTERM"); } catch { try { process.kill(pid, "SIGTERM"); } catch { /* gone */ } }
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    if (alive(pid)) { try { process.kill(-pid, "SIGKILL"); } catch { process.kill(pid, "SIGKILL"); } }
  }
  const left = [];
  for (const [name, port] of Object.entries(state.ports)) if (await portOpen(port)) left.push(`${name}:${port}`);
  const running = order.filter((n) => state.pids[n] && alive(state.pids[n]));
  rmSync(file, { force: true });
  rmSync(join(dir, "etcd"), { recursive: true, force: true });
  if (running.length || left.length) throw new Error(`still running: ${running.join(", ") || "-"}; ports bound: ${left.join(", ") || "-"}`);
  log(`down: every process stopped, no port bound (logs kept in ${join(dir, "logs")})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, ...rest] = process.argv.slice(2);
  const opt = (n) => { const i = rest.indexOf(`--${n}`); return i >= 0 ? rest[i + 1] : undefined; };
  const num = (n) => {
    if (opt(n) === undefined) return {};
    const v = Number(opt(n));
    if (!Number.isInteger(v) || v < 0) { process.stderr.write(`[cluster] --${n} must be a whole number\n`); process.exit(2); }
    return { [n]: v };
  };
  const fn = cmd === "up" ? up : cmd === "down" ? down : undefined;
  if (!fn) {
    process.stderr.write("usage: node scripts/cluster.mjs up [--dir D] [--nodes N] [--stack S | --gpus G --pods P --volumes V] | down [--dir D]\n");
    process.exit(2);
  }
  let demand = {};
  if (opt("stack")) {
    try {
      demand = sizeForStack(opt("stack"));
    } catch (e) {
      process.stderr.write(`[cluster] cannot size for stack ${opt("stack")}: ${(e.stderr || e.message).toString().trim()}\n`);
      process.exit(1);
    }
    log(`stack ${opt("stack")} needs ${demand.gpus} GPUs (up to ${demand.gpusPerPod} a pod), ${demand.pods} pods, ${demand.volumes} volumes`);
  }
  const args = { ...(opt("dir") ? { dir: opt("dir") } : {}), ...num("nodes"), ...demand, ...num("gpus"), ...num("pods"), ...num("volumes") };
  fn(args).then(() => process.exit(0), (e) => { process.stderr.write(`[cluster] ${e.message}\n`); process.exit(1); });
}
