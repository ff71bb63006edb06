// The litellm base: an LLM proxy whose upstream (usually a vllm-server Service) comes from environment
// variables that litellm's config reads (`os.environ/...`), so presets set it structurally.
import { Chart, Size } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";
import yaml from "js-yaml";

export interface LitellmProps {
  /** @default ghcr.io/berriai/litellm:main-v1.55.8 */
  readonly image?: string;
  /** @default 4000 */
  readonly port?: number;
  /** OpenAI-compatible upstream. @default http://vllm-server:8000/v1 */
  readonly apiBase?: string;
  /** @default openai/Qwen/Qwen2.5-0.5B-Instruct */
  readonly upstreamModel?: string;
}

/** litellm's proxy config: one model routed to the upstream named by the environment. */
export function proxyConfig(): string {
  return yaml.dump({
    model_list: [{
      model_name: "default",
      litellm_params: { model: "os.environ/LITELLM_UPSTREAM_MODEL", api_base: "os.environ/LITELLM_UPSTREAM_API_BASE", api_key: "none" },
    }],
    general_settings: { disable_spend_logs: true },
  });
}

export class Litellm extends Chart {
  constructor(scope: Construct, id: string, props: LitellmProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    const port = props.port ?? 4000;
    const config = new kplus.ConfigMap(this, "config", { metadata: { name: "litellm-config" }, data: { "config.yaml": proxyConfig() } });
    const deployment = new kplus.Deployment(this, "deployment", {
      metadata: { name: "litellm" },
      replicas: 1,
      securityContext: { ensureNonRoot: false },
      containers: [{
        name: "litellm",
        image: props.image ?? "ghcr.io/berriai/litellm:main-v1.55.8",
        args: ["--config", "/etc/litellm/config.yaml", "--port", String(port)],
        envVariables: {
          LITELLM_UPSTREAM_API_BASE: kplus.EnvValue.fromValue(props.apiBase ?? "http://vllm-server:8000/v1"),
          LITELLM_UPSTREAM_MODEL: kplus.EnvValue.fromValue(props.upstreamModel ?? "openai/Qwen/Qwen2.5-0.5B-Instruct"),
        },
        ports: [{ number: port, name: "http" }],
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
          memory: { request: Size.mebibytes(512), limit: Size.gibibytes(1) },
        },
        volumeMounts: [{ path: "/etc/litellm", volume: kplus.Volume.fromConfigMap(this, "config-volume", config), readOnly: true }],
      }],
    });
    deployment.exposeViaService({ name: "litellm", serviceType: kplus.ServiceType.CLUSTER_IP, ports: [{ port, targetPort: port, name: "http" }] });
  }
}
