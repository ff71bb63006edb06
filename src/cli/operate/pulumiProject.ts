// The project's own Pulumi, set up for one command: the pinned CLI and provider from .tools/bin, a
// project-local PULUMI_HOME, the backend (PULUMI_BACKEND_URL, else a file backend in .pulumi-state),
// the passphrase (from the environment, else a git-ignored file made once and never printed), and a
// private temporary folder that leaves no credential behind.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import { toolPath } from "../../offline/tools";

export const PASSPHRASE_FILE = ".pulumi-passphrase";

export interface PulumiProject {
  root: string;
  env: NodeJS.ProcessEnv;
  backend: string;
  /** Where the passphrase comes from, in words (never the passphrase). */
  passphraseFrom: string;
}

/**
 * A private TMPDIR for every process of one command, removed when the command ends. The Kubernetes
 * provider writes the cluster's kubeconfig, bearer token included, to $TMPDIR/kubeconfig<digits> each
 * time it is configured and never removes it (pulumi-kubernetes provider/pkg/provider/util.go,
 * writeKubeconfigToFile): without this, every preview and up left one behind in /tmp.
 */
function privateTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "ocdp-run-")); // mode 0700
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function pulumiProject(root: string, base: NodeJS.ProcessEnv = process.env): PulumiProject {
  const env: NodeJS.ProcessEnv = {
    ...base,
    TMPDIR: privateTmp(),
    PATH: `${join(root, ".tools", "bin")}:${base.PATH ?? ""}`,
    PULUMI_HOME: base.PULUMI_HOME ?? join(root, ".pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The provider comes from PULUMI_HOME (ensureProvider) and the language host from beside the pinned
    // CLI: plugins found on PATH would only add a "using ... from $PATH" warning to every run.
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
  };
  let backend = base.PULUMI_BACKEND_URL;
  if (!backend) {
    mkdirSync(join(root, ".pulumi-state"), { recursive: true });
    backend = `file://${join(root, ".pulumi-state")}`;
    // The checkpoint is rewritten at every step of an update: compressed it is ~15x smaller (npm run
    // bench: 2 KB against 30 KB a claim). Only for the project's own backend; a team backend keeps its
    // format unless its admins set the variable (README: the team backend).
    env.PULUMI_DIY_BACKEND_GZIP = base.PULUMI_DIY_BACKEND_GZIP ?? "true";
  }
  env.PULUMI_BACKEND_URL = backend;
  let passphraseFrom = "PULUMI_CONFIG_PASSPHRASE";
  if (base.PULUMI_CONFIG_PASSPHRASE === undefined) {
    if (base.PULUMI_CONFIG_PASSPHRASE_FILE) passphraseFrom = "PULUMI_CONFIG_PASSPHRASE_FILE";
    else {
      const file = join(root, PASSPHRASE_FILE);
      if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString("hex")}\n`, { mode: 0o600 });
      env.PULUMI_CONFIG_PASSPHRASE_FILE = file;
      passphraseFrom = `${PASSPHRASE_FILE} (git-ignored, made on first use)`;
    }
  }
  return { root, env, backend, passphraseFrom };
}

export async function pulumiCli(p: PulumiProject, args: string[], opts: { stdio?: "inherit" | "pipe" } = {}) {
  return execa(toolPath("pulumi", p.root), args, { cwd: p.root, env: p.env, reject: false, stdio: opts.stdio ?? "pipe", extendEnv: false });
}

/** The pinned Kubernetes provider installed into PULUMI_HOME once (no download). */
export async function ensureProvider(p: PulumiProject): Promise<void> {
  const version = JSON.parse(readFileSync(require.resolve("@pulumi/kubernetes/package.json"), "utf8")).version as string;
  const ls = await pulumiCli(p, ["plugin", "ls", "--json"]);
  const have = ls.exitCode === 0 && (JSON.parse(String(ls.stdout || "[]")) as { name: string; kind: string; version: string }[])
    .some((x) => x.name === "kubernetes" && x.kind === "resource" && x.version === version);
  if (have) return;
  const r = await pulumiCli(p, ["plugin", "install", "resource", "kubernetes", `v${version}`, "--file", toolPath("pulumi", p.root).replace(/pulumi$/, "pulumi-resource-kubernetes"), "--non-interactive"]);
  if (r.exitCode !== 0) throw new Error(`installing the Kubernetes provider plugin failed: ${r.stderr}`);
}
