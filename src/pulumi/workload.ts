// One claim as a Pulumi component: its WorkloadClaim and Workload records, and its finished objects
// through Pulumi's Helm (Chart v4 + `ocdp post-render`) or Kustomize (Directory v2 over the staged preset
// and the finishing as its transformers) resources. No child is a callback into this program, but the
// volumes of a Directory (./transforms.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResolvedClaim } from "../catalog/resolve";
import { type ObservedIngress, type ObservedService } from "../steps/endpoints";
import { claimLabels } from "../steps/guards";
import { guardContext } from "../offline/pipeline";
import { GROUP, VERSION } from "./crds";
import { retainVolumes } from "./transforms";

export interface WorkloadArgs {
  claim: ResolvedClaim;
  /** sha256 of the objects the offline executor rendered for this claim. */
  digest: string;
  /** The Helm post-renderer (Helm-backed claims): `ocdp post-render --stage <the claim's staged folder>`. */
  postRenderer?: { command: string; args: string[] };
  /** A private chart's archive, pulled with the stack's login (deployStack): given to Chart v4 in place of the repository. */
  archive?: string;
  /** Staged preset folder for Kustomize-only templates: its build gives the finished objects. */
  stageDir?: string;
  /** The Directory has volumes to keep when the claim goes (a transform: Directory v2 reads no annotation for it). */
  retainVolumes?: boolean;
  /** The render holds generated values' placeholders: the Chart's children get them filled (./generatedValues.ts). */
  fill?: pulumi.ResourceTransform;
  dependsOn: pulumi.Resource[];
}

/**
 * A Chart's or Directory's children, or none when it failed in the provider (a chart that renders
 * differently where it can reach the cluster, a repository gone since the plan). The engine reports
 * that failure, naming the claim (and ./chartFailures.ts the template); what reads the children (the
 * claim's endpoints, the stack's outputs) must not fail with it: "error serializing property outputs"
 * would be one more unhandled exception. A failed update deletes nothing.
 */
function settled(children: pulumi.Output<unknown[]>): pulumi.Output<unknown[]> {
  const value = (children as unknown as { promise(): Promise<unknown[] | undefined> }).promise();
  return pulumi.output(value.then((v) => v ?? [], () => []));
}

export class Workload extends pulumi.ComponentResource {
  readonly services: pulumi.Output<ObservedService[]>;
  readonly ingresses: pulumi.Output<ObservedIngress[]>;

  constructor(name: string, args: WorkloadArgs, opts: pulumi.ComponentResourceOptions) {
    super("ocdp:workloads:Workload", name, {}, opts);
    const rc = args.claim;
    const metadata = { name: rc.claim.name, namespace: rc.namespace, labels: claimLabels(guardContext(rc)) };
    const child = { parent: this, dependsOn: args.dependsOn };

    new k8s.apiextensions.CustomResource(`${name}-claim`, {
      apiVersion: `${GROUP}/${VERSION}`, kind: "WorkloadClaim", metadata,
      spec: { templateId: rc.template.id, workspaceId: rc.claim.workspaceId, owner: rc.claim.owner, values: rc.claim.values ?? {}, ...(rc.claim.state === "stopped" ? { state: "stopped" } : {}) },
    }, child);
    new k8s.apiextensions.CustomResource(`${name}-workload`, {
      apiVersion: `${GROUP}/${VERSION}`, kind: "Workload", metadata,
      spec: {
        claim: rc.claim.name, template: rc.template.id,
        ...(rc.helm ? { chart: { name: rc.helm.chart.startsWith("/") ? rc.template.source.chart : rc.helm.chart, version: rc.helm.version ?? "", repository: rc.helm.repo ?? "" } } : {}),
        preset: { repository: rc.preset.repositoryUrl ?? "", commit: rc.preset.commit ?? "", path: rc.preset.path },
        values: rc.values, digest: args.digest,
      },
    }, child);

    let children: pulumi.Output<unknown[]>;
    if (rc.helm) {
      const chart = new k8s.helm.v4.Chart(name, {
        ...(args.archive ? { chart: args.archive } : {
          chart: rc.helm.chart,
          version: rc.helm.version,
          ...(rc.helm.repo ? { repositoryOpts: { repo: rc.helm.repo } } : {}),
          ...(rc.helm.plainHttp ? { plainHttp: true } : {}),
        }),
        namespace: rc.namespace,
        values: rc.helm.values,
        postRenderer: args.postRenderer,
      }, { ...child, ...(args.fill ? { transforms: [args.fill] } : {}) });
      children = chart.resources;
    } else {
      const dir = new k8s.kustomize.v2.Directory(name, { directory: args.stageDir!, namespace: rc.namespace }, { ...child, ...(args.retainVolumes ? { transforms: [retainVolumes] } : {}) });
      // The 4.25 SDK types Directory.resources as Output<string>; it carries the child resources like Chart.
      children = dir.resources as unknown as pulumi.Output<unknown[]>;
    }
    const resources = settled(children);
    this.services = resources.apply((rs) => pulumi.all(rs.filter((r) => k8s.core.v1.Service.isInstance(r)).map((s) => {
      const svc = s as k8s.core.v1.Service;
      return pulumi.all([svc.metadata, svc.spec, svc.status]).apply(([m, spec, status]) => ({
        name: m.name, namespace: m.namespace ?? rc.namespace, type: spec.type,
        ports: (spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, nodePort: p.nodePort })),
        loadBalancer: status?.loadBalancer ? { ingress: (status.loadBalancer.ingress ?? []).map((i) => ({ ip: i.ip, hostname: i.hostname })) } : undefined,
      }));
    })));
    this.ingresses = resources.apply((rs) => pulumi.all(rs.filter((r) => k8s.networking.v1.Ingress.isInstance(r)).map((i) => {
      const ing = i as k8s.networking.v1.Ingress;
      return pulumi.all([ing.metadata, ing.spec]).apply(([m, spec]) => ({
        name: m.name, namespace: m.namespace ?? rc.namespace,
        rules: (spec.rules ?? []).map((r) => ({ host: r.host })), tls: (spec.tls ?? []).map((t) => ({ hosts: t.hosts })),
      }));
    })));
    this.registerOutputs({ services: this.services, ingresses: this.ingresses });
  }
}
