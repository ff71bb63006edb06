// The stack as Pulumi resources: one provider for the cluster, the CRDs, the workspace namespaces
// (never deleted: they may hold retained volumes), and one Workload component per claim.
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubeconfigPath } from "../config/kubeconfig";
import type { RegistryCredential, StackConfig } from "../config/types";
import { isVolumeClaim } from "../steps/applyAnnotations";
import { generatedSecrets, holdsPlaceholder, scopeOf } from "../steps/derived";
import { type Endpoint, internalAddresses, userEndpoints } from "../steps/endpoints";
import type { RenderContext, RenderedClaim } from "../offline/pipeline";
import type { WorkspaceQuota } from "../steps/usage/quota";
import { sayChartFailuresOnce } from "./chartFailures";
import { crdManifests } from "./crds";
import { fillGenerated } from "./generatedValues";
import { pullSecrets } from "./pullSecrets";
import { stageClaim } from "./stage";
import { Workload } from "./workload";

const packageRoot = resolve(__dirname, "..", "..", "..");

/** The URL of a stopped claim's endpoints in the stack's outputs. */
export const STOPPED = "stopped";

export function digestOf(objects: unknown[]): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(objects)).digest("hex")}`;
}

/**
 * `ocdp post-render --stage` behind its shell front (bin/post-render.sh): a cache hit, nearly every call,
 * costs no Node start. Absolute paths: the provider runs it.
 */
export function postRenderer(stage: string): { command: string; args: string[] } {
  return { command: "/bin/sh", args: [join(packageRoot, "bin", "post-render.sh"), stage, process.execPath, join(packageRoot, "bin", "ocdp.js")] };
}

export interface StackOutputs {
  endpoints: pulumi.Output<Record<string, Endpoint[]>>;
  workloads: pulumi.Output<Record<string, unknown>>;
  /** Per claim, the generated values of its Secrets (`<Secret>/<key>`): what its owner logs in with. A secret output. */
  credentials: pulumi.Output<Record<string, Record<string, string>>>;
  /** Their names alone, in the clear: what `ocdp endpoints` lists masked without --show-secrets. */
  credentialNames: Record<string, string[]>;
}

/** What the stack holds as Pulumi secrets; never part of StackConfig, so `ocdp render` cannot see it. */
export interface StackSecrets {
  kubeconfig?: pulumi.Output<string>;
  registryCredentials: Record<string, RegistryCredential>;
  /** `ocdp:secretSeed`: what generated values are derived from (required when a claim has any). */
  secretSeed?: string;
}

/**
 * `privateCharts`: by claim, the archive of a chart pulled with a login (ocdp:sourceCredentials). Chart
 * v4 is given that archive, the bytes the plan rendered, instead of the repository: the login never
 * reaches the provider or the state.
 */
export function deployStack(config: StackConfig, rendered: RenderedClaim[], quotas: WorkspaceQuota[], ctx: RenderContext, secrets: StackSecrets,
  privateCharts: Map<string, string> = new Map()): StackOutputs {
  const c = config.cluster;
  const provider = new k8s.Provider(c.name, {
    kubeconfig: secrets.kubeconfig ?? (c.kubeconfig ? kubeconfigPath(c.kubeconfig, ctx.projectRoot) : undefined),
    context: c.context,
  });
  const crds = crdManifests().map((m) => new k8s.apiextensions.v1.CustomResourceDefinition(
    (m.metadata as { name: string }).name, m as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs, { provider }));
  // Every workspace with claims or a budget: a budgeted namespace keeps its quota when its last claim goes.
  const namespaces = new Map<string, k8s.core.v1.Namespace>();
  for (const { namespace, workspace } of [...rendered.map(({ claim: rc }) => ({ namespace: rc.namespace, workspace: rc.claim.workspaceId })), ...quotas]) {
    if (namespaces.has(namespace)) continue;
    namespaces.set(namespace, new k8s.core.v1.Namespace(namespace, {
      metadata: { name: namespace, labels: { "ocdp.io/workspace": workspace } },
    }, { provider, retainOnDelete: true }));
  }
  // The cluster enforces the budgets too: the very objects `ocdp render` prints.
  const quotaIn = new Map(quotas.map((q) => [q.namespace, new k8s.core.v1.ResourceQuota(`${q.namespace}-budget`,
    q.object as unknown as k8s.core.v1.ResourceQuotaArgs, { provider, dependsOn: [namespaces.get(q.namespace)!] })]));
  sayChartFailuresOnce(new Map(rendered.map((r) => [r.claim.claim.name, r.claim.template.id])));
  const secretsIn = pullSecrets(rendered.map((r) => r.claim), secrets.registryCredentials, namespaces, provider);
  const workloads = rendered.map(({ claim: rc, objects, stage: extras }) => {
    const digest = digestOf(objects);
    // The staged claim is the only hand-off: the post-renderer and Directory read nothing else.
    const stage = stageClaim(rc, join(ctx.projectRoot, ".ocdp", "stage"), ctx.cacheDir, extras);
    const holders = new Set(objects.filter(holdsPlaceholder).map((o) => `${o.kind}/${o.metadata.name}`));
    const fill = secrets.secretSeed && holders.size ? fillGenerated(secrets.secretSeed, scopeOf(rc.namespace, rc.claim.name), holders) : undefined;
    const component = new Workload(rc.claim.name, {
      claim: rc,
      digest,
      fill,
      ...(rc.helm
        ? { postRenderer: postRenderer(stage), archive: privateCharts.get(rc.claim.name) }
        : { stageDir: stage, retainVolumes: objects.some(isVolumeClaim) }),
      dependsOn: [...crds, namespaces.get(rc.namespace)!, ...(secretsIn.get(rc.namespace) ?? []), ...(quotaIn.has(rc.namespace) ? [quotaIn.get(rc.namespace)!] : [])],
    }, { provider });
    return { rc, digest, component };
  });
  const endpoints = pulumi.all(workloads.map((w) => pulumi.all([w.component.services, w.component.ingresses])
    // A stopped claim keeps its Service and port, with nothing behind it: its endpoints say so instead of a URL.
    .apply(([s, i]) => [w.rc.claim.name, userEndpoints(s, i, c.accessHost).map((e) => (w.rc.claim.state === "stopped" ? { ...e, url: STOPPED } : e))] as const)))
    .apply((entries) => Object.fromEntries(entries));
  const admin = pulumi.all(workloads.map((w) => w.component.services.apply((s) => [w.rc.claim.name, {
    namespace: w.rc.namespace,
    workspace: w.rc.claim.workspaceId,
    template: w.rc.template.id,
    chartVersion: w.rc.helm?.version ?? null,
    presetCommit: w.rc.preset.commit ?? null,
    presetPath: w.rc.preset.path,
    digest: w.digest,
    internal: internalAddresses(s),
    pendingLoadBalancers: s.filter((x) => x.type === "LoadBalancer" && !x.loadBalancer?.ingress?.length).map((x) => x.name),
  }] as const))).apply((entries) => Object.fromEntries(entries));
  const seed = secrets.secretSeed;
  const generated = Object.fromEntries(seed ? rendered
    .map(({ claim: rc, objects }) => [rc.claim.name, generatedSecrets(objects, seed, scopeOf(rc.namespace, rc.claim.name))] as const)
    .filter(([, v]) => Object.keys(v).length) : []);
  const credentialNames = Object.fromEntries(Object.entries(generated).map(([claim, v]) => [claim, Object.keys(v).sort()]));
  return { endpoints, workloads: admin, credentials: pulumi.secret(generated), credentialNames };
}
