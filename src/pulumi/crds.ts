// The WorkloadClaim and Workload custom resource definitions (ocdp.io/v1alpha1), authored with cdk8s's
// typed Kubernetes API, and the shapes of their instances.
import { App, Chart } from "cdk8s";
import { KubeCustomResourceDefinition, type JsonSchemaProps } from "cdk8s-plus-28/lib/imports/k8s";

export const GROUP = "ocdp.io";
export const VERSION = "v1alpha1";

const str: JsonSchemaProps = { type: "string" };
const freeform: JsonSchemaProps = { type: "object", xKubernetesPreserveUnknownFields: true };

const claimSpec: JsonSchemaProps = {
  type: "object",
  required: ["templateId", "workspaceId", "owner"],
  properties: {
    templateId: str,
    workspaceId: str,
    owner: { type: "object", required: ["user"], properties: { user: str, groups: { type: "array", items: str } } },
    values: freeform,
    state: { type: "string", enum: ["running", "stopped"] },
  },
};

const workloadSpec: JsonSchemaProps = {
  type: "object",
  required: ["claim", "template", "preset", "digest"],
  properties: {
    claim: str,
    template: str,
    chart: { type: "object", properties: { name: str, version: str, repository: str } },
    preset: { type: "object", required: ["path"], properties: { repository: str, commit: str, path: str } },
    values: freeform,
    digest: { type: "string", pattern: "^sha256:[0-9a-f]{64}$" },
  },
};

function crd(chart: Chart, kind: string, plural: string, spec: JsonSchemaProps, columns: { name: string; jsonPath: string }[]) {
  return new KubeCustomResourceDefinition(chart, kind, {
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List`, categories: ["ocdp"] },
      versions: [{
        name: VERSION, served: true, storage: true,
        schema: { openApiv3Schema: { type: "object", properties: { spec } } },
        additionalPrinterColumns: columns.map((c) => ({ ...c, type: "string" })),
      }],
    },
  });
}

/** The two CRDs as plain manifests. */
export function crdManifests(): Record<string, unknown>[] {
  const app = new App();
  const chart = new Chart(app, "ocdp-crds");
  crd(chart, "WorkloadClaim", "workloadclaims", claimSpec, [{ name: "Template", jsonPath: ".spec.templateId" }, { name: "Workspace", jsonPath: ".spec.workspaceId" }]);
  crd(chart, "Workload", "workloads", workloadSpec, [{ name: "Template", jsonPath: ".spec.template" }, { name: "Digest", jsonPath: ".spec.digest" }]);
  return chart.toJson();
}
