// The project's code-server chart served for real on loopback: a Helm repository (helm package, helm
// repo index, an HTTP server) and an OCI registry (`crane registry serve`, helm push --plain-http).
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, join } from "node:path";
import { ROOT, tempDir } from "./helpers";

const tool = (name: string) => join(ROOT, ".tools", "bin", name);

export interface ChartServer {
  /** http://127.0.0.1:<port> (Helm repository) or oci://127.0.0.1:<port>/charts (registry). */
  url: string;
  close(): void;
}

function packageChart(): { dir: string; tgz: string } {
  const dir = tempDir("ocdp-chart-");
  const out = execFileSync(tool("helm"), ["package", join(ROOT, "charts", "code-server"), "--destination", dir], { encoding: "utf8" });
  return { dir, tgz: out.trim().split(": ").pop()! };
}

/** A Helm repository on loopback serving the project's chart, or the packaged chart `tgz` as its repository serves it. */
export async function serveHelmRepo(tgz?: string): Promise<ChartServer> {
  const dir = tgz ? tempDir("ocdp-chart-") : packageChart().dir;
  if (tgz) copyFileSync(tgz, join(dir, basename(tgz)));
  const server = createServer((req, res) => {
    try {
      res.writeHead(200).end(readFileSync(join(dir, decodeURIComponent((req.url ?? "/").split("?")[0]).replace(/^\/+/, ""))));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  execFileSync(tool("helm"), ["repo", "index", dir, "--url", url]);
  return { url, close: () => server.close() };
}

export async function serveOciRegistry(): Promise<ChartServer> {
  const p = spawn(tool("crane"), ["registry", "serve", "--address", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise<string>((resolve, reject) => {
    let said = "";
    p.stderr.on("data", (c) => {
      said += c;
      const m = /serving on port (\d+)/.exec(said);
      if (m) resolve(m[1]);
    });
    p.on("exit", (code) => reject(new Error(`crane registry serve exited with ${code}: ${said}`)));
  });
  const url = `oci://127.0.0.1:${port}/charts`;
  const { tgz } = packageChart();
  execFileSync(tool("helm"), ["push", tgz, url, "--plain-http"], { env: { ...process.env, HELM_CONFIG_HOME: tempDir("ocdp-helmcfg-") }, stdio: "pipe" });
  return { url, close: () => p.kill() };
}

/** The public kuoss code-server chart exactly as its repository serves it (../shared/charts/README.md). */
export const KUOSS = join(ROOT, "..", "shared", "charts", "code-server-3.16.1.tgz");

/** The template the OCDP manifests README writes for it, the chart served from `url`. */
export function kuossTemplate(url: string) {
  return {
    id: "code-server-kuoss", templateType: "kustomize",
    source: {
      type: "helm", repositoryUrl: url, chart: "code-server", version: "3.16.1", releaseName: "{{ name }}",
      values: 'fullnameOverride: "{{ name }}"\nserviceAccount: {create: false}\npersistence: {enabled: true, size: 20Gi}\n',
      preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" },
    },
    bindings: { users: ["alice"] },
  };
}
