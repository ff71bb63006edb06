// The vllm-server base: an OpenAI-compatible vLLM server with its model cache on a PVC, internal only.
// Presets change image, model, GPU and cache size through replacements; names here are the base's.
import { Chart, Size } from "cdk8s";
import * as kplus from "cdk8s-plus-28";
import type { Construct } from "constructs";

export interface VllmServerProps {
  /** @default vllm/vllm-openai:v0.6.4 */
  readonly image?: string;
  /** Served model; presets replace the MODEL variable. @default Qwen/Qwen2.5-0.5B-Instruct */
  readonly model?: string;
  /** @default 8000 */
  readonly port?: number;
  /** Model cache size. @default 50Gi */
  readonly cacheSize?: Size;
}

export class VllmServer extends Chart {
  constructor(scope: Construct, id: string, props: VllmServerProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    const port = props.port ?? 8000;
    const cache = new kplus.PersistentVolumeClaim(this, "cache", {
      metadata: { name: "vllm-server-cache" },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: props.cacheSize ?? Size.gibibytes(50),
    });
    const deployment = new kplus.Deployment(this, "deployment", {
      metadata: { name: "vllm-server" },
      replicas: 1,
      // One pod holds the GPU and the cache volume (ReadWriteOnce): replace, never overlap.
      strategy: kplus.DeploymentStrategy.recreate(),
      securityContext: { ensureNonRoot: false },
      containers: [{
        name: "vllm",
        image: props.image ?? "vllm/vllm-openai:v0.6.4",
        // Kubernetes expands $(VAR) from the container's env: the model stays a structured value.
        args: ["--model", "$(MODEL)", "--port", String(port), "--download-dir", "/models"],
        envVariables: {
          MODEL: kplus.EnvValue.fromValue(props.model ?? "Qwen/Qwen2.5-0.5B-Instruct"),
          HF_HOME: kplus.EnvValue.fromValue("/models"),
        },
        ports: [{ number: port, name: "http" }],
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: {
          cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(4) },
          memory: { request: Size.gibibytes(4), limit: Size.gibibytes(16) },
        },
        volumeMounts: [{ path: "/models", volume: kplus.Volume.fromPersistentVolumeClaim(this, "models", cache) }],
      }],
    });
    deployment.exposeViaService({ name: "vllm-server", serviceType: kplus.ServiceType.CLUSTER_IP, ports: [{ port, targetPort: port, name: "http" }] });
  }
}
