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

export interface Owner {
  user: string;
  groups?: string[];
}

export interface Claim {
  name: string;
  templateId: string;
  workspaceId: string;
  owner: Owner;
  values?: Record<string, unknown>;
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
}

export interface Policy {
  /** Workspace namespace pattern; default `ws-{{ workspaceId }}`. */
  namespace?: string;
  overlay?: Overlay;
  workspaces?: Record<string, Overlay>;
  /**
   * Cluster-scoped custom kinds of this cluster that the built-in list and the `Cluster*` convention
   * miss (offline there is no API discovery): refused in every claim like the built-in ones.
   */
  clusterScopedKinds?: string[];
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

/** Everything one stack renders from: project templates merged with the stack's own config. */
export interface StackConfig {
  stack: string;
  templates: Template[];
  cluster: Cluster;
  policy: Policy;
  claims: Claim[];
}
