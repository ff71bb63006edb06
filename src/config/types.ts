// The stack configuration as TypeScript types. Their JSON Schemas live in ./schema.ts and are typed
// `JSONSchemaType<T>` against these interfaces, so the compiler refuses a schema that drifts from a type.

/** Where a preset lives: `presets/` of this checkout, or a Git repository at `ref`. */
export interface PresetRef {
  type: "kustomize";
  /** Absent: the `presets/` tree of this checkout. */
  repositoryUrl?: string;
  /** Branch, tag or commit; required with `repositoryUrl`. */
  ref?: string;
  /** Relative to the manifests-tree root, e.g. `packages/code-server/presets/k3s-hami`. */
  path: string;
}

/**
 * `helm`: a chart rendered by `helm template`, its output staged into the preset as `rendered.yaml`.
 * `kustomize`: a Git base only; the preset brings every resource.
 */
export interface TemplateSource {
  type: "helm" | "kustomize";
  /** https:// or oci:// Helm repository; absent with a local chart path. */
  repositoryUrl?: string;
  /** Chart name in the repository, or a path relative to the project root (e.g. `charts/code-server`). */
  chart?: string;
  version?: string;
  /** Default `{{ name }}`. */
  releaseName?: string;
  /** An oci:// registry served over plain HTTP (a site registry without TLS): helm `--plain-http`, Chart v4 `plainHttp`. */
  plainHttp?: boolean;
  /** Static Helm values as YAML text; `{{ name }}`, `{{ namespace }}`, `{{ workspaceId }}` in string scalars. */
  values?: string;
  preset: PresetRef;
}

export interface Bindings {
  users?: string[];
  groups?: string[];
}

export interface Template {
  id: string;
  templateType: "kustomize";
  description?: string;
  source: TemplateSource;
  /** Who may claim it. `"*"` in users admits everyone. */
  bindings: Bindings;
}

/** Who filed a claim: a user of the admin directory. Groups are the directory's, never the claim's. */
export interface Owner {
  user: string;
}

export interface Claim {
  name: string;
  templateId: string;
  workspaceId: string;
  owner: Owner;
  values?: Record<string, unknown>;
  /**
   * `stopped`: its pod-making objects make no pods (scaled to 0, CronJobs suspended); volumes, Services,
   * Secrets and ConfigMaps stay. Absent or `running`: running. Set with `ocdp claim stop` / `start`.
   */
  state?: "running" | "stopped";
  /** When it was last started (RFC 3339 time): where its maxRunning window begins. Set by `claim add` and `claim start`. */
  started?: string;
  /** When it is to be stopped (RFC 3339 date or time; a date means the end of that day, UTC). */
  expires?: string;
}

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Environment overlay knobs: set per cluster, overridden per workspace. Each maps to one pure transform. */
export interface Overlay {
  /** Rewrites every Service of the claim that is not ClusterIP-only by design. */
  serviceType?: "ClusterIP" | "NodePort" | "LoadBalancer";
  storageClass?: string;
  ingressClass?: string;
  /** runtimeClassName for pods that request `nvidia.com/gpu`. */
  gpuRuntimeClass?: string;
  /** Registry host (and path) that replaces the registry of every image. */
  registry?: string;
  imagePullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  /** Site labels added to every object. */
  labels?: Record<string, string>;
}

/** What Pulumi is told per object on a cluster, written as annotations by the finishing step. */
export interface ApplyOptions {
  /** Kinds Pulumi does not wait for (ocdp:cluster.skipAwait). */
  skipAwaitKinds?: string[];
  /** Seconds Pulumi waits for each object: create, update and delete (ocdp:cluster.timeouts.readiness). */
  timeoutSeconds?: number;
}

export interface Cluster {
  name: string;
  /** Path to a kubeconfig, relative to the project root. */
  kubeconfig?: string;
  context?: string;
  /** Host users reach NodePort Services on. */
  accessHost: string;
  /** Kubernetes version for `.Capabilities` in offline Helm renders, e.g. `1.32.13`. */
  kubeVersion?: string;
  /** Kinds `pulumi up` does not wait for (e.g. PersistentVolumeClaim on a cluster without a provisioner). */
  skipAwait?: string[];
  /**
   * How long `pulumi up` waits for a claim's object to become ready (Deployment available, PVC bound,
   * Service addressed) before it fails the update, e.g. `3m`; Pulumi's default is 10m. `ocdp status`
   * then tells why it is not ready.
   */
  timeouts?: { readiness?: string };
}

/**
 * A Kubernetes quantity as YAML gives it: `8`, `"500m"`, `64Gi`. A number is taken as written (cpu 8 =
 * 8 cores; memory 1073741824 = bytes).
 */
export type Quantity = string | number;

/**
 * What a workspace (or the whole cluster) may use, summed over its claims' rendered objects the way the
 * scheduler and HAMi count it (see src/steps/usage/usage.ts). Every key is optional; an absent key is no limit.
 */
export interface Budget {
  /** GPUs (HAMi vGPUs): container `nvidia.com/gpu` x replicas. */
  "nvidia.com/gpu"?: number;
  /** GPU memory in MiB: HAMi's per-GPU `nvidia.com/gpumem` x the container's GPUs x replicas. */
  "nvidia.com/gpumem"?: number;
  /** GPU cores in percent units: per-GPU `nvidia.com/gpucores` (a whole GPU = 100) x GPUs x replicas. */
  "nvidia.com/gpucores"?: number;
  cpu?: Quantity;
  memory?: Quantity;
  /** Sum of PersistentVolumeClaim (and volumeClaimTemplates) storage requests. */
  storage?: Quantity;
  /** Number of claims. */
  claims?: number;
}

/** A workspace's block of `ocdp:policy.workspaces`: overlay overrides, and its budget. */
export interface WorkspacePolicy extends Overlay {
  budget?: Budget;
  /** The longest a claim with GPUs runs from its `started` to its `expires` (`7d`, `12h`); overrides the stack's. */
  maxRunning?: string;
}

export interface Policy {
  /** Workspace namespace pattern; default `ws-{{ workspaceId }}`. */
  namespace?: string;
  overlay?: Overlay;
  workspaces?: Record<string, WorkspacePolicy>;
  /** A budget for the whole cluster (all workspaces together); checked before anything is registered. */
  budget?: Budget;
  /**
   * Memory of one GPU in MiB: what a container that takes whole GPUs (no `nvidia.com/gpumem`, or 0)
   * counts per GPU against a `nvidia.com/gpumem` budget. Without it such a container cannot be counted,
   * and a gpumem budget refuses it.
   */
  gpuDeviceMemory?: number;
  /**
   * Cluster-scoped custom kinds of this cluster that the built-in list and the `Cluster*` convention
   * miss (offline there is no API discovery): refused in every claim like the built-in ones.
   */
  clusterScopedKinds?: string[];
  /** The longest a claim with GPUs runs from its `started` to its `expires` (`7d`, `12h`), where a workspace sets none. */
  maxRunning?: string;
}

/**
 * Credentials of a private registry, kept as a Pulumi secret (`ocdp:registryCredentials.<name>`). The
 * program turns each into a `kubernetes.io/dockerconfigjson` Secret named `<name>` in every workspace
 * whose overlay lists `<name>` in `imagePullSecrets`. Never read by `ocdp render`.
 */
export interface RegistryCredential {
  /** Registry host, e.g. `harbor.ocdp.example`. */
  server: string;
  username: string;
  password: string;
}

/** Who may claim into a workspace: listed users, and members of listed groups. */
export interface WorkspaceMembers {
  users?: string[];
  groups?: string[];
}

/** A directory user's accounts elsewhere. */
export interface UserAccounts {
  /** Login on the Git host: the pull-request gate maps a PR's author to this user. */
  github?: string;
}

/**
 * The admin directory (`ocdp:access`): identities, groups, workspace membership and admins. Project-level
 * in Pulumi.yaml, added to (never narrowed) by a stack's own `ocdp:access`. Claims name only their owner.
 */
export interface Access {
  /** Users who may change anything (templates, policy, access, presets, other users' claims). */
  admins?: string[];
  /** Group -> its members. */
  groups?: Record<string, string[]>;
  /** Workspace -> who may claim into it. A workspace not listed takes no claims. */
  workspaces?: Record<string, WorkspaceMembers>;
  users?: Record<string, UserAccounts>;
}

/** Everything one stack renders from: project templates merged with the stack's own config. */
export interface StackConfig {
  stack: string;
  templates: Template[];
  cluster: Cluster;
  policy: Policy;
  /** The directory: the project's, with the stack's additions. */
  access: Access;
  claims: Claim[];
  /** The URL prefix of each of ocdp:sourceCredentials (plain in the file; the secrets are read where a source needs one). */
  sourceUrls?: Record<string, string>;
}
