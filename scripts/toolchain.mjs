// The pinned toolchain: one entry per tool family, read by scripts/setup.mjs and by the tests.
// Versions are chosen so the offline executor (helm, kustomize CLIs) and the Kubernetes provider's
// embedded libraries agree: provider v4.25.0 embeds helm v3.18.6 and kustomize api v0.19.0
// (= kustomize v5.6.0). Why these and not newer: see docs/development.md "Toolchain".

export const K8S = "1.32.13";
export const PULUMI = "3.248.0";
export const PROVIDER = "4.25.0";
// provider/v4 has no tags of its own; the module proxy serves the v4.25.0 tag commit as this pseudo-version.
const PROVIDER_PSEUDO = "v4.0.0-20260115033456-f47bc2d6f199";
// The Node.js language host has had its own module since v3.69, and the module proxy serves none of its
// versions (403 "This module version is not available"). v3.68.0 is the newest release that builds it from
// the sdk/v3 module, which the proxy does serve. The engine falls back for older language hosts.
const LANGHOST = "3.68.0";

const k8sStaging = [
  "api", "apiextensions-apiserver", "apimachinery", "apiserver", "cli-runtime", "client-go",
  "cloud-provider", "cluster-bootstrap", "code-generator", "component-base", "component-helpers",
  "controller-manager", "cri-api", "cri-client", "csi-translation-lib", "dynamic-resource-allocation",
  "endpointslice", "externaljwt", "kms", "kube-aggregator", "kube-controller-manager", "kube-proxy",
  "kube-scheduler", "kubectl", "kubelet", "metrics", "mount-utils", "pod-security-admission",
  "sample-apiserver", "sample-cli-plugin", "sample-controller",
];
const stagingVersion = `v0.${K8S.split(".").slice(1).join(".")}`;
// The module proxy refuses k8s.io/endpointslice v0.32.13 (403 "This module version is not available");
// its previous patch release is served and is used for that one module.
const stagingOverride = { endpointslice: "v0.32.12" };
const [k8sMajor, k8sMinor] = K8S.split(".");
const k8sStamp = ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((p) => [
  `-X ${p}.gitVersion=v${K8S}`, `-X ${p}.gitMajor=${k8sMajor}`, `-X ${p}.gitMinor=${k8sMinor}`,
  `-X ${p}.gitTreeState=clean`,
]);

/**
 * A tool: `bins` it produces, how to build them (`install` for modules without replaces, `wrapper` for the
 * rest), and `probe` to recognise a matching binary already on PATH.
 */
export const tools = [
  {
    name: "helm", version: "3.18.6", bins: ["helm"],
    install: "helm.sh/helm/v3/cmd/helm",
    ldflags: ["-X helm.sh/helm/v3/internal/version.version=v3.18.6",
      `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${k8sMajor}`,
      `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${k8sMinor}`],
    probe: { args: ["version", "--template", "{{.Version}}"], expect: "v3.18.6" },
  },
  {
    name: "kustomize", version: "5.6.0", bins: ["kustomize"],
    install: "sigs.k8s.io/kustomize/kustomize/v5",
    ldflags: ["-X sigs.k8s.io/kustomize/api/provenance.version=v5.6.0"],
    probe: { args: ["version"], expect: "v5.6.0" },
  },
  {
    name: "pulumi", version: PULUMI, bins: ["pulumi"],
    wrapper: {
      require: { "github.com/pulumi/pulumi/pkg/v3": `v${PULUMI}`, "github.com/pulumi/pulumi/sdk/v3": `v${PULUMI}` },
      replace: { "github.com/atotto/clipboard": "github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e" },
      packages: ["github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
    },
    tags: "osusergo,grpcnotrace",
    ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI}`],
    probe: { args: ["version"], expect: `v${PULUMI}` },
  },
  {
    name: "pulumi-language-nodejs", version: LANGHOST, bins: ["pulumi-language-nodejs"], bundleWith: "pulumi",
    wrapper: {
      require: { "github.com/pulumi/pulumi/sdk/v3": `v${LANGHOST}` },
      packages: ["github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"],
    },
    ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${LANGHOST}`],
  },
  {
    name: "pulumi-resource-kubernetes", version: PROVIDER, bins: ["pulumi-resource-kubernetes"],
    wrapper: {
      require: {
        "github.com/pulumi/pulumi-kubernetes/provider/v4": PROVIDER_PSEUDO,
        "github.com/pulumi/pulumi-kubernetes/sdk/v4": `v${PROVIDER}`,
      },
      packages: ["github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"],
      // main.go embeds files upstream generates and never commits: copy the package, generate them, build it.
      localMain: { module: "github.com/pulumi/pulumi-kubernetes/provider/v4", dir: "cmd/pulumi-resource-kubernetes" },
    },
    ldflags: [`-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=v${PROVIDER}`],
  },
  {
    name: "kubernetes", version: K8S, bins: ["kube-apiserver", "kube-controller-manager", "kube-scheduler"],
    wrapper: {
      require: { "k8s.io/kubernetes": `v${K8S}` },
      replace: Object.fromEntries(k8sStaging.map((m) => [`k8s.io/${m}`, `k8s.io/${m} ${stagingOverride[m] ?? stagingVersion}`])),
      godebug: "default=go1.23",
      packages: ["k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager",
        "k8s.io/kubernetes/cmd/kube-scheduler"],
    },
    ldflags: k8sStamp,
  },
  {
    name: "etcd", version: "3.5.35", bins: ["etcd"],
    wrapper: { require: { "go.etcd.io/etcd/server/v3": "v3.5.35" }, packages: ["go.etcd.io/etcd/server/v3"] },
    ldflags: ["-X go.etcd.io/etcd/api/v3/version.GitSHA=v3.5.35"],
  },
  {
    name: "kwok", version: "0.8.0", bins: ["kwok"],
    install: "sigs.k8s.io/kwok/cmd/kwok",
    // kwok has no built-in stages: the node and pod lifecycles ship in its module as YAML.
    assets: { module: "sigs.k8s.io/kwok", files: [
      "kustomize/stage/node/fast/node-initialize.yaml",
      "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
      "kustomize/stage/pod/fast/pod-ready.yaml",
      "kustomize/stage/pod/fast/pod-complete.yaml",
      "kustomize/stage/pod/fast/pod-delete.yaml",
    ] },
  },
];

tools.push({
  // Lints .github/workflows in the tests.
  name: "actionlint", version: "1.7.12", bins: ["actionlint"],
  install: "github.com/rhysd/actionlint/cmd/actionlint",
  ldflags: ["-X github.com/rhysd/actionlint.version=1.7.12"],
  probe: { args: ["-version"], expect: "1.7.12" },
});

tools.push({
  // A loopback OCI registry (`crane registry serve`) for the tests of oci:// charts.
  name: "crane", version: "0.22.1", bins: ["crane"],
  install: "github.com/google/go-containerregistry/cmd/crane",
  ldflags: ["-X github.com/google/go-containerregistry/cmd/crane/cmd.Version=v0.22.1"],
  probe: { args: ["version"], expect: "v0.22.1" },
});

/** The tools the render pipeline needs; the rest are for the Pulumi program and the local cluster. */
export const renderTools = ["helm", "kustomize"];
