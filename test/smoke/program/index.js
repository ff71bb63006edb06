// The smoke program: plain resources, a local chart through helm.v4.Chart with a post-renderer, and a
// kustomize.v2.Directory, all through one explicit provider.
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");

const cfg = new pulumi.Config("smoke");
const provider = new k8s.Provider("local", { kubeconfig: cfg.require("kubeconfig") });
const ns = new k8s.core.v1.Namespace("smoke", { metadata: { name: "smoke" } }, { provider });
const namespace = ns.metadata.name;

new k8s.core.v1.ConfigMap("greeting", {
  metadata: { name: "greeting", namespace },
  data: { greeting: cfg.get("greeting") ?? "hello" },
}, { provider });

// Selects the chart's pods: kwok runs them, the endpoints controller fills the Service in.
const web = new k8s.core.v1.Service("web", {
  metadata: { name: "web", namespace },
  spec: { type: "NodePort", selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
}, { provider, customTimeouts: { create: "3m", update: "3m" } });

new k8s.helm.v4.Chart("demo", {
  chart: path.join(__dirname, "chart"),
  namespace,
  postRenderer: { command: process.execPath, args: [path.join(__dirname, "post-render.js")] },
}, { provider, customTimeouts: { create: "3m", update: "3m" } });

new k8s.kustomize.v2.Directory("kust", { directory: path.join(__dirname, "kustomize"), namespace }, { provider });

exports.nodePort = web.spec.ports[0].nodePort;
exports.namespace = namespace;
