// A project-local Pulumi: file backend, PULUMI_HOME and plugins inside a scratch folder, the pinned CLI,
// language host and Kubernetes provider from .tools/bin, no downloads, no cloud account.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers";

export interface PulumiRun {
  code: number | null;
  out: string;
  err: string;
}

export function pulumiEnv(scratch: string): NodeJS.ProcessEnv {
  mkdirSync(join(scratch, "state"), { recursive: true });
  // The provider leaves the kubeconfig in $TMPDIR (kubeconfig<digits>): keep it in the scratch folder, removed with it.
  mkdirSync(join(scratch, "tmp"), { recursive: true, mode: 0o700 });
  return {
    ...process.env,
    TMPDIR: join(scratch, "tmp"),
    PATH: `${join(ROOT, ".tools", "bin")}:${process.env.PATH}`,
    PULUMI_HOME: join(scratch, "home"),
    PULUMI_BACKEND_URL: `file://${join(scratch, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    NO_COLOR: "1",
  };
}

/** Runs pulumi without blocking the event loop (a post-renderer or test server may need it). */
export function pulumi(cwd: string, env: NodeJS.ProcessEnv, args: string[], timeoutMs = 600_000): Promise<PulumiRun> {
  return new Promise((resolve) => {
    const p = spawn(join(ROOT, ".tools", "bin", "pulumi"), [...args, "--non-interactive", "--color", "never"], { cwd, env });
    let out = "";
    let err = "";
    p.stdout.on("data", (c) => { out += c; });
    p.stderr.on("data", (c) => { err += c; });
    const timer = setTimeout(() => p.kill("SIGTERM"), timeoutMs);
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

/** Installs the pinned provider build into PULUMI_HOME as plugin kubernetes v<version>. */
export function installProvider(env: NodeJS.ProcessEnv, version: string): void {
  const r = spawnSync(join(ROOT, ".tools", "bin", "pulumi"), ["plugin", "install", "resource", "kubernetes", `v${version}`,
    "--file", join(ROOT, ".tools", "bin", "pulumi-resource-kubernetes"), "--non-interactive"], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pulumi plugin install failed: ${r.stderr}`);
}

export function kubectl(kubeconfig: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync("kubectl", ["--kubeconfig", kubeconfig, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export function clusterUp(dir: string, nodes = 1): string {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "cluster.mjs"), "up", "--dir", dir, "--nodes", String(nodes)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cluster up failed: ${r.stderr}`);
  return join(dir, "kubeconfig");
}

export function clusterDown(dir: string): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "cluster.mjs"), "down", "--dir", dir], { encoding: "utf8" });
  return { code: r.status, err: r.stderr };
}
