import { validateTree } from "../offline/validateTree";
import { openProject, parse, renderContext } from "./context";
import { fromConfigValues } from "../config/load";
import type { Command } from "./main";

const usage = `Usage: ocdp validate [--project <dir>]

Checks the manifests tree (what \`make validate\` runs): every test overlay under
presets/tests/kustomize builds with kustomize; Git bases keep their Services internal (ClusterIP);
every template's preset renders with its userInputs defaults and with probe values, and each input
reaches every target field it declares; no Service fixes a nodePort. Exit 1 on any finding.`;

export const validateCommand: Command = {
  summary: "check the manifests tree: test overlays, bases, every preset with its inputs",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, {}, usage);
    const project = openProject(o.project);
    // Project-level templates only: the ones every stack shares. Shape errors surface as usual.
    const { templates } = fromConfigValues("project", { ...project.config, cluster: { name: "validate", accessHost: "127.0.0.1" } });
    const report = await validateTree(templates, renderContext(project));
    for (const c of report.checked) process.stderr.write(`ok    ${c}\n`);
    for (const f of report.findings) process.stderr.write(`FAIL  ${f.where}: ${f.problem}\n`);
    process.stderr.write(`validate: ${report.checked.length} checks ran, ${report.findings.length} problem(s)\n`);
    return report.findings.length ? 1 : 0;
  },
};
