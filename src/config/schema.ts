// JSON Schemas of the stack configuration. Each is `JSONSchemaType<T>` of the interface in ./types.ts:
// the compiler checks the two against each other, so there is one source of truth in two notations.
import type { JSONSchemaType } from "ajv";
import type { Access, Budget, Claim, Cluster, Overlay, Policy, RegistryCredential, Template, Toleration, WorkspacePolicy } from "./types";

/** DNS-1123 label: what a Kubernetes name and a namespace must be. */
export const DNS1123 = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
const str = { type: "string", nullable: true } as const;
const strList = { type: "array", items: { type: "string" }, nullable: true } as const;
const strMap = { type: "object", additionalProperties: { type: "string" }, required: [], nullable: true } as const;

const toleration: JSONSchemaType<Toleration> = {
  type: "object",
  additionalProperties: false,
  properties: {
    key: str,
    operator: { type: "string", enum: ["Exists", "Equal"], nullable: true },
    value: str,
    effect: { type: "string", enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"], nullable: true },
  },
};

export const overlaySchema: JSONSchemaType<Overlay> = {
  type: "object",
  additionalProperties: false,
  properties: {
    serviceType: { type: "string", enum: ["ClusterIP", "NodePort", "LoadBalancer"], nullable: true },
    storageClass: str,
    ingressClass: str,
    gpuRuntimeClass: str,
    registry: str,
    imagePullSecrets: strList,
    nodeSelector: strMap,
    tolerations: { type: "array", items: toleration, nullable: true },
    labels: strMap,
  },
};

export const templateSchema: JSONSchemaType<Template> = {
  type: "object",
  additionalProperties: false,
  required: ["id", "templateType", "source", "bindings"],
  properties: {
    id: { type: "string", pattern: DNS1123, maxLength: 63 },
    templateType: { type: "string", const: "kustomize" },
    description: str,
    source: {
      type: "object",
      additionalProperties: false,
      required: ["type", "preset"],
      properties: {
        type: { type: "string", enum: ["helm", "kustomize"] },
        repositoryUrl: { type: "string", pattern: "^(https?|oci)://", nullable: true },
        chart: str,
        version: str,
        releaseName: str,
        plainHttp: { type: "boolean", nullable: true },
        values: str,
        preset: {
          type: "object",
          additionalProperties: false,
          required: ["type", "path"],
          properties: {
            type: { type: "string", const: "kustomize" },
            repositoryUrl: str,
            ref: str,
            path: { type: "string", minLength: 1 },
          },
        },
      },
    },
    bindings: {
      type: "object",
      additionalProperties: false,
      properties: { users: strList, groups: strList },
    },
  },
};

/** A lifetime: whole hours or days. */
export const DURATION = "^[1-9][0-9]*(h|d)$";
/** RFC 3339: a date, or a date and time with seconds and a zone. */
export const TIME = "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$";

export const claimSchema: JSONSchemaType<Claim> = {
  type: "object",
  additionalProperties: false,
  required: ["name", "templateId", "workspaceId", "owner"],
  properties: {
    name: { type: "string", pattern: DNS1123, maxLength: 53 },
    templateId: { type: "string", minLength: 1 },
    workspaceId: { type: "string", pattern: DNS1123, maxLength: 50 },
    owner: {
      type: "object",
      additionalProperties: false,
      required: ["user"],
      properties: { user: { type: "string", minLength: 1, maxLength: 253 } },
    },
    values: { type: "object", required: [], nullable: true },
    state: { type: "string", enum: ["running", "stopped"], nullable: true },
    started: { type: "string", pattern: TIME, nullable: true },
    expires: { type: "string", pattern: TIME, nullable: true },
  },
};

export const clusterSchema: JSONSchemaType<Cluster> = {
  type: "object",
  additionalProperties: false,
  required: ["name", "accessHost"],
  properties: {
    name: { type: "string", minLength: 1 },
    kubeconfig: str,
    context: str,
    accessHost: { type: "string", minLength: 1 },
    kubeVersion: { type: "string", pattern: "^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?$", nullable: true },
    skipAwait: strList,
    timeouts: {
      type: "object",
      additionalProperties: false,
      properties: { readiness: { type: "string", pattern: "^[1-9][0-9]*(s|m|h)$", nullable: true } },
      nullable: true,
    },
  },
};

/** A Kubernetes quantity: a number, or digits with an optional decimal part and suffix. */
export const QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";
const quantity = { type: ["string", "number"], pattern: QUANTITY, minimum: 0, nullable: true } as const;
const count = { type: "integer", minimum: 0, nullable: true } as const;

export const budgetSchema: JSONSchemaType<Budget> = {
  type: "object",
  additionalProperties: false,
  properties: {
    "nvidia.com/gpu": count,
    "nvidia.com/gpumem": count,
    "nvidia.com/gpucores": count,
    // ajv checks `pattern` on strings only and `minimum` on numbers only.
    cpu: quantity as unknown as JSONSchemaType<Budget>["properties"]["cpu"],
    memory: quantity as unknown as JSONSchemaType<Budget>["properties"]["memory"],
    storage: quantity as unknown as JSONSchemaType<Budget>["properties"]["storage"],
    claims: count,
  },
};

export const workspacePolicySchema: JSONSchemaType<WorkspacePolicy> = {
  ...overlaySchema,
  properties: { ...overlaySchema.properties, budget: { ...budgetSchema, nullable: true }, maxRunning: { type: "string", pattern: DURATION, nullable: true } },
} as JSONSchemaType<WorkspacePolicy>;

const nameList = { type: "array", items: { type: "string", minLength: 1, maxLength: 253 }, nullable: true } as const;

export const accessSchema: JSONSchemaType<Access> = {
  type: "object",
  additionalProperties: false,
  properties: {
    admins: nameList,
    groups: { type: "object", additionalProperties: { type: "array", items: { type: "string", minLength: 1, maxLength: 253 } }, required: [], nullable: true },
    workspaces: {
      type: "object",
      propertyNames: { pattern: DNS1123, maxLength: 50 },
      additionalProperties: { type: "object", additionalProperties: false, properties: { users: nameList, groups: nameList } },
      required: [],
      nullable: true,
    },
    users: {
      type: "object",
      additionalProperties: { type: "object", additionalProperties: false, properties: { github: { type: "string", pattern: "^[A-Za-z0-9-]{1,39}$", nullable: true } } },
      required: [],
      nullable: true,
    },
  },
};

export const policySchema: JSONSchemaType<Policy> = {
  type: "object",
  additionalProperties: false,
  properties: {
    namespace: str,
    overlay: { ...overlaySchema, nullable: true },
    workspaces: { type: "object", additionalProperties: workspacePolicySchema, required: [], nullable: true },
    budget: { ...budgetSchema, nullable: true },
    gpuDeviceMemory: { type: "integer", minimum: 1, nullable: true },
    clusterScopedKinds: { type: "array", items: { type: "string", pattern: "^[A-Z][A-Za-z0-9]*$" }, nullable: true },
    maxRunning: { type: "string", pattern: DURATION, nullable: true },
  },
};

export const registryCredentialSchema: JSONSchemaType<RegistryCredential> = {
  type: "object",
  additionalProperties: false,
  required: ["server", "username", "password"],
  properties: {
    server: { type: "string", pattern: "^[A-Za-z0-9.-]+(:[0-9]+)?$" },
    username: { type: "string", minLength: 1 },
    password: { type: "string", minLength: 1 },
  },
};

export const registryCredentialsSchema: JSONSchemaType<Record<string, RegistryCredential>> = {
  type: "object",
  additionalProperties: registryCredentialSchema,
  required: [],
};
