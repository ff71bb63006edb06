import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import execa from "execa";
import { kubeconfigProblem } from "../config/kubeconfig";
import { fromConfigValues, loadStackValues, stackFile } from "../config/load";
import { RenderError, ValidationError } from "../config/errors";
import { ensureProvider, type PulumiProject, pulumiCli, pulumiProject } from "./operate/pulumiProject";
import { configFileArgs, moveSalt, stackFiles } from "./operate/stackFiles";
import { describeChanges, lastUpdateChanges } from "./operate/updateSummary";
import { endpointsTable, readEndpoints } from "./endpoints";
import { stackStatus } from "./status";
import { resolveStack } from "../catalog/resolve";
import { toolPath } from "../offline/tools";
import { offlineSources, openProject, parse, renderContext } from "./context";
import type { Command } from "./main";

const upUsage = `Usage: ocdp up [--stack <name>] [--refresh]   (npm run up)

The main job in one command: for the embedded \`local\` stack (the default), starts the local cluster
if it is not running; logs in to the backend (PULUMI_BACKEND_URL, else a file backend in .pulumi-state,
created); installs the pinned Kubernetes provider plugin; creates the stack if missing; runs
\`pulumi up\` with its live progress; prints the endpoints. Any other stack uses its own kubeconfig and
starts no cluster. The passphrase comes from PULUMI_CONFIG_PASSPHRASE(_FILE), else from a git-ignored
file .pulumi-passphrase made on first use (never printed). Claims are validated offline first.
--refresh reads the cluster first (\`pulumi up --refresh\`): what was changed behind Pulumi's back
(\`ocdp drift\`) is put back as the stack has it.`;

const downUsage = `Usage: ocdp down [--stack <name>]   (npm run down)

Destroys the stack's resources with \`pulumi destroy\`. PersistentVolumeClaims and workspace
Namespaces are retained, as always (delete them yourself if you mean to). For the embedded \`local\`
stack it then stops the local cluster, whose data goes with it.`;

const LOCAL = "local";

async function clusterRunning(root: string): Promise<boolean> {
  const kubeconfig = join(root, ".cluster", "kubeconfig");
  if (!existsSync(join(root, ".cluster", "state.json")) || !existsSync(kubeconfig)) return false;
  const r = await execa("kubectl", ["--kubeconfig", kubeconfig, "get", "--raw", "/readyz", "--request-timeout=3s"], { reject: false });
  return r.exitCode === 0 && r.stdout.trim() === "ok";
}

async function stackExists(p: PulumiProject, stack: string): Promise<boolean> {
  const r = await pulumiCli(p, ["stack", "ls", "--json", "--non-interactive"]);
  if (r.exitCode !== 0) throw new RenderError({ stack, field: "backend" }, "pulumi stack ls", String(r.stderr));
  return (JSON.parse(String(r.stdout) || "[]") as { name: string }[]).some((s) => s.name === stack || s.name.endsWith(`/${stack}`));
}

/** `npm run cluster:up|down` for the project, its output on the terminal; up is sized to the local stack. */
async function localCluster(root: string, verb: "up" | "down"): Promise<boolean> {
  const args = verb === "up" ? ["up", "--stack", LOCAL] : ["down"];
  const c = await execa(process.execPath, [join(root, "scripts", "cluster.mjs"), ...args], { cwd: root, reject: false, stdio: "inherit" });
  return c.exitCode === 0;
}

/** `pulumi <args>` with its live output on the terminal, and the output kept to read the summary. */
async function live(p: PulumiProject, args: string[]): Promise<{ code: number; out: string }> {
  const child = execa(toolPath("pulumi", p.root), args, { cwd: p.root, env: p.env, extendEnv: false, reject: false, all: true });
  let out = "";
  child.all?.on("data", (c: Buffer) => { out += c; process.stdout.write(c); });
  const r = await child;
  return { code: r.exitCode ?? 1, out };
}

export const upCommand: Command = {
  summary: "deploy a stack in one command (default: the embedded local stack) and print its endpoints",
  usage: upUsage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, refresh: { type: "boolean" } }, upUsage);
    const stack = o.stack ?? LOCAL;
    const project = openProject(o.project);
    const root = project.root;
    // A bad stack file or claim fails here, before a cluster starts or Pulumi runs.
    const values = loadStackValues(project, stack);
    const config = fromConfigValues(stack, values);
    await resolveStack(config, { ...renderContext(project), sources: offlineSources(project, config) });
    const t0 = Date.now();
    if (stack === LOCAL && !(await clusterRunning(root))) {
      process.stderr.write("[ocdp up] starting the local cluster (npm run cluster:up)\n");
      if (!(await localCluster(root, "up"))) return 1;
    }
    // A cluster the stack cannot reach: one error now, not one per resource from inside Pulumi.
    const unreachable = values.kubeconfig === undefined ? kubeconfigProblem(config, root) : undefined;
    if (unreachable) throw new ValidationError([unreachable]);
    const p = pulumiProject(root);
    process.stderr.write(`[ocdp up] backend ${p.backend}; passphrase from ${p.passphraseFrom}\n`);
    await ensureProvider(p);
    const files = stackFiles(root, stackFile(project, stack), stack);
    if (!(await stackExists(p, stack))) {
      const before = readFileSync(files.file, "utf8");
      const r = await pulumiCli(p, ["stack", "init", stack, "--non-interactive"]);
      if (r.exitCode !== 0) throw new RenderError({ stack, field: "backend" }, "pulumi stack init", String(r.stderr));
      moveSalt(files, before);
      process.stderr.write(`[ocdp up] created stack ${stack}\n`);
    }
    const startedAt = new Date();
    const up = await live(p, ["up", "--yes", "--skip-preview", ...(o.refresh ? ["--refresh"] : []), "--stack", stack, "--non-interactive", ...configFileArgs(files)]);
    if (up.code !== 0) {
      process.stderr.write(`[ocdp up] pulumi up failed (exit ${up.code}); the problems are listed above\n`);
      // What the cluster says about each claim that is not ready: usually the reason for a timeout.
      const notReady = await stackStatus(config, root).then((l) => l.filter((x) => x.state !== "ready"), () => []);
      if (notReady.length) {
        process.stderr.write("[ocdp up] claims not ready (npx ocdp status --stack " + stack + "):\n");
        for (const x of notReady) process.stderr.write(`  ${x.claim} ${x.state}: ${x.reason}\n`);
      }
      return 1;
    }
    // The engine's own counts: a summary that cannot be read fails the command, never reads as a no-op.
    let summary: string;
    try {
      summary = describeChanges(await lastUpdateChanges(p, stack, startedAt));
    } catch (e) {
      process.stderr.write(`[ocdp up] pulumi up finished, but what it did cannot be told: ${(e as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`[ocdp up] ${summary} in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
    process.stdout.write(`\n${endpointsTable(config, await readEndpoints(p, stack))}`);
    return 0;
  },
};

export const downCommand: Command = {
  summary: "destroy a stack (volumes and namespaces retained); for local, stop the cluster",
  usage: downUsage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" } }, downUsage);
    const stack = o.stack ?? LOCAL;
    const project = openProject(o.project);
    const root = project.root;
    const p = pulumiProject(root);
    const files = stackFiles(root, stackFile(project, stack), stack);
    if (await stackExists(p, stack)) {
      if (stack !== LOCAL || (await clusterRunning(root))) {
        const d = await live(p, ["destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive", ...configFileArgs(files)]);
        if (d.code !== 0) return 1;
        process.stderr.write("[ocdp down] destroyed. PersistentVolumeClaims and workspace Namespaces are retained (retainOnDelete): delete them yourself if you mean to.\n");
      } else {
        // No cluster to destroy in: forget what the state says was there.
        const r = await pulumiCli(p, ["stack", "rm", stack, "--yes", "--force", "--preserve-config", "--non-interactive"]);
        if (r.exitCode !== 0) throw new RenderError({ stack, field: "backend" }, "pulumi stack rm", String(r.stderr));
        process.stderr.write(`[ocdp down] the local cluster is not running; stack ${stack}'s state was removed\n`);
      }
    } else process.stderr.write(`[ocdp down] stack ${stack} has no state in ${p.backend}\n`);
    if (stack === LOCAL) {
      if (!(await localCluster(root, "down"))) return 1;
      process.stderr.write("[ocdp down] the local cluster is stopped; its data (volumes included) went with it\n");
    }
    return 0;
  },
};
