// `ocdp drift`: how the live cluster differs from the stack, from a refresh preview. Nothing is changed:
// `pulumi preview --refresh` reads the cluster into a copy of the state it does not save.
import { kubeconfigProblem } from "../config/kubeconfig";
import { fromConfigValues, loadStackValues, stackFile } from "../config/load";
import { RenderError, ValidationError } from "../config/errors";
import { driftOf, formatDrift, type PreviewStep } from "../steps/drift";
import { ensureProvider, pulumiCli, pulumiProject } from "./operate/pulumiProject";
import { configFileArgs, stackFiles } from "./operate/stackFiles";
import { openProject, parse, requireOpt } from "./context";
import type { Command } from "./main";

/** The exit code when the cluster differs from the stack (0: it does not). */
export const DRIFT_EXIT = 6;

const usage = `Usage: ocdp drift --stack <name> [--json]

Compares the live cluster with the stack: a refresh preview (\`pulumi preview --refresh\`), which changes
neither the cluster nor the state. One line per object of a claim that differs, with the fields (live ->
stack; values cut, secrets masked), an object deleted from the cluster, or one the engine would replace.
Fields the cluster owns (status, managedFields, allocated nodePorts and cluster IPs, defaults the API
server adds) are not compared. \`ocdp up --refresh\` (\`pulumi up --refresh\`) restores the stack's objects.
Exit codes: 0 no drift, 6 drift, 1 invalid input or the preview failed, 2 usage error.`;

export const driftCommand: Command = {
  summary: "how the live cluster differs from the stack (a refresh preview; changes nothing)",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, json: { type: "boolean" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const project = openProject(o.project);
    const values = loadStackValues(project, stack);
    const config = fromConfigValues(stack, values);
    const unreachable = values.kubeconfig === undefined ? kubeconfigProblem(config, project.root) : undefined;
    if (unreachable) throw new ValidationError([unreachable]);
    const p = pulumiProject(project.root);
    await ensureProvider(p);
    const files = stackFiles(project.root, stackFile(project, stack), stack);
    const r = await pulumiCli(p, ["preview", "--refresh", "--json", "--stack", stack, "--non-interactive", ...configFileArgs(files)]);
    let steps: PreviewStep[] | undefined;
    try {
      steps = (JSON.parse(String(r.stdout)) as { steps?: PreviewStep[] }).steps ?? [];
    } catch {
      steps = undefined;
    }
    if (r.exitCode !== 0 || !steps) {
      // The engine's diagnostics name the problem (a claim that no longer renders, a cluster gone).
      let said = String(r.stderr).trim();
      try {
        const diags = (JSON.parse(String(r.stdout)) as { diagnostics?: { severity: string; message: string }[] }).diagnostics ?? [];
        said = [...diags.filter((d) => d.severity === "error").map((d) => d.message.trim()), said].filter(Boolean).join("\n");
      } catch { /* not JSON: stderr says it */ }
      throw new RenderError({ stack, field: "drift" }, "pulumi preview --refresh", said || `exit ${r.exitCode}`);
    }
    const drifted = driftOf(steps);
    if (o.json) process.stdout.write(`${JSON.stringify({ stack, drifted }, null, 2)}\n`);
    else process.stdout.write(formatDrift(stack, drifted));
    return drifted.length ? DRIFT_EXIT : 0;
  },
};
