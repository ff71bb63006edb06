import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { namespaceFor } from "../catalog/resolve";
import { RenderError, UsageError, ValidationError } from "../config/errors";
import { kubeconfigPath, kubeconfigProblem } from "../config/kubeconfig";
import type { StackConfig } from "../config/types";
import type { KObject } from "../steps/objects";
import { toolPath } from "../offline/tools";
import { type ClaimStatus, claimStatus } from "./status/claimStatus";
import { loadStackValues } from "../config/load";
import { pulumiCli, pulumiProject } from "./operate/pulumiProject";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp status --stack <name> [--claim <name>]... [--json] [--wait <duration>]

Per claim, from the live cluster: ready, progressing, failed, missing or stopped, with the reason in one line
taken from the objects (Deployment availability, Pod conditions and scheduling events such as
"0/3 nodes are available: 3 Insufficient nvidia.com/gpu", image pull errors, crash loops, PVC binding,
a StorageClass that cannot expand a grown volume), the endpoint, and the claim's GPUs. The cluster is
ocdp:cluster.kubeconfig/context of the stack, or its secret ocdp:kubeconfig (read through Pulumi: the
stack's passphrase or key), else KUBECONFIG.
  --wait 5m   poll until every claim is ready or the duration passes (s, m or h)
Exit codes: 0 every claim ready (or stopped, as its stack file says), 5 some claim is not, 1 the cluster cannot be read, 2 usage error.`;

export function parseDuration(s: string): number {
  const m = /^([0-9]+)(s|m|h)$/.exec(s);
  if (!m) throw new UsageError(`--wait ${JSON.stringify(s)}: expected a duration like 90s, 5m or 1h\n\n${usage}`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"];
}

/** The kubeconfig file kubectl reads: the stack's path, a private copy of its secret, or kubectl's default. */
let secretKubeconfig: string | undefined;

/** `kubectl <args> -o <output>` against the stack's cluster; its stdout, or a RenderError with kubectl's words. */
async function kubectl(config: StackConfig, root: string, args: string[], output: "json" | "name"): Promise<string> {
  const c = config.cluster;
  const file = secretKubeconfig ?? (c.kubeconfig ? kubeconfigPath(c.kubeconfig, root) : undefined);
  const base = [...(file ? ["--kubeconfig", file] : []), ...(c.context ? ["--context", c.context] : [])];
  const r = await execa(toolPath("kubectl", root), [...base, ...args, "-o", output, "--request-timeout=20s"], { reject: false, maxBuffer: 1 << 28 });
  if (r.exitCode !== 0) throw new RenderError({ stack: config.stack, field: "ocdp:cluster" }, `kubectl ${args[0]} ${args[1] ?? ""}`.trim(), r.stderr);
  return r.stdout;
}

async function kubectlJson(config: StackConfig, root: string, args: string[]): Promise<KObject[]> {
  return (JSON.parse(await kubectl(config, root, args, "json")).items ?? []) as KObject[];
}

const KINDS: Record<string, string> = { secret: "Secret", configmap: "ConfigMap", persistentvolumeclaim: "PersistentVolumeClaim", serviceaccount: "ServiceAccount" };

/** `Kind/name` of each object `kubectl get -o name` lists. */
async function kubectlNames(config: StackConfig, root: string, args: string[]): Promise<Set<string>> {
  const lines = (await kubectl(config, root, args, "name")).split("\n").filter(Boolean);
  return new Set(lines.map((l) => { const [k, n] = l.split("/"); return `${KINDS[k] ?? k}/${n}`; }));
}

export async function stackStatus(config: StackConfig, root: string, only?: string[]): Promise<ClaimStatus[]> {
  const claims = config.claims.filter((c) => !only?.length || only.includes(c.name));
  const namespaces = [...new Set(claims.map((c) => namespaceFor(config, c.workspaceId)))];
  const storageClasses = await kubectlJson(config, root, ["get", "storageclasses"]);
  const byNs = new Map(await Promise.all(namespaces.map(async (ns) => [ns, {
    objects: await kubectlJson(config, root, ["get", "deployments,statefulsets,pods,persistentvolumeclaims,services,ingresses", "-n", ns, "-l", "ocdp.io/claim"]),
    events: await kubectlJson(config, root, ["get", "events", "-n", ns]),
    // Names only (a Secret's data never leaves the API server): what the claim's pods may reference.
    present: await kubectlNames(config, root, ["get", "secrets,configmaps,persistentvolumeclaims,serviceaccounts", "-n", ns]),
  }] as const)));
  return claims.map((c) => {
    const ns = namespaceFor(config, c.workspaceId);
    const live = byNs.get(ns)!;
    const mine = live.objects.filter((o) => o.metadata.labels?.["ocdp.io/claim"] === c.name);
    const names = new Set(mine.map((o) => `${o.kind}/${o.metadata.name}`));
    const events = live.events.filter((e) => names.has(`${(e as { involvedObject?: { kind?: string } }).involvedObject?.kind}/${(e as { involvedObject?: { name?: string } }).involvedObject?.name}`));
    return claimStatus(c.name, c.workspaceId, ns, config.cluster.accessHost, { objects: mine, events, storageClasses, present: live.present }, c.state === "stopped");
  });
}

function table(list: ClaimStatus[]): string {
  const rows = [["CLAIM", "WORKSPACE", "STATE", "GPUS", "ENDPOINT", "REASON"],
    ...list.map((s) => [s.claim, s.workspace, s.state, String(s.gpus), s.endpoints[0]?.url ?? "-", s.reason])];
  const w = rows[0].map((_, i) => (i === rows[0].length - 1 ? 0 : Math.max(...rows.map((r) => r[i].length))));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd()).join("\n")}\n`;
}

export const statusCommand: Command = {
  summary: "why each claim is (not) ready, from the live cluster",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, claim: { type: "string", multiple: true }, json: { type: "boolean" }, wait: { type: "string" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const deadline = Date.now() + (o.wait ? parseDuration(o.wait) : 0);
    const { project, config } = openStack(stack, o.project);
    for (const name of o.claim ?? []) if (!config.claims.some((c) => c.name === name)) throw new UsageError(`no claim ${JSON.stringify(name)} in stack ${stack}`);
    // A stack whose kubeconfig is the secret ocdp:kubeconfig: Pulumi decrypts it into a private file,
    // removed when the command ends. Else the same one error as `ocdp up` for an unreachable file.
    const tmp = loadStackValues(project, stack).kubeconfig !== undefined ? mkdtempSync(join(tmpdir(), "ocdp-status-")) : undefined;
    if (tmp) {
      const r = await pulumiCli(pulumiProject(project.root), ["config", "get", "ocdp:kubeconfig", "--stack", stack]);
      if (r.exitCode !== 0) {
        rmSync(tmp, { recursive: true, force: true });
        throw new RenderError({ stack, field: "ocdp:kubeconfig" }, "pulumi config get", String(r.stderr || r.stdout));
      }
      secretKubeconfig = join(tmp, "kubeconfig");
      writeFileSync(secretKubeconfig, String(r.stdout), { mode: 0o600 });
    } else {
      const unreachable = kubeconfigProblem(config, project.root);
      if (unreachable) throw new ValidationError([unreachable]);
    }
    try {
      return await report(o, stack, config, project.root, deadline);
    } finally {
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    }
  },
};

/** The claims' states (polled until settled or the deadline), printed; exit 0 when all are settled. */
async function report(o: { claim?: string[]; json?: boolean }, stack: string, config: StackConfig, root: string, deadline: number): Promise<number> {
  let list = await stackStatus(config, root, o.claim);
  // A stopped claim is where it should be: it counts as settled.
  const settled = (s: ClaimStatus) => s.state === "ready" || s.state === "stopped";
  while (!list.every(settled) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 3000));
    list = await stackStatus(config, root, o.claim);
  }
  process.stdout.write(o.json ? `${JSON.stringify({ stack, claims: list }, null, 2)}\n` : table(list));
  return list.every(settled) ? 0 : 5;
}
