import { postRenderMain } from "../offline/stagedClaim";
import { parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp post-render --stage <dir>

The Helm post-renderer the Pulumi program gives each helm.v4.Chart: reads Helm's output on stdin, puts
it beside the staged claim (<dir>, written by the program: the kustomization applying the claim's
preset, its values and a manifest), runs kustomize build and prints the objects on stdout. It loads no
stack and resolves nothing. Exits non-zero (and prints nothing) when kustomize fails or the result has
no objects. To see a claim's objects by hand, use \`ocdp render --claim\`.`;

export const postRenderCommand: Command = {
  summary: "Helm post-renderer over a staged claim: stdin (helm output) -> preset with the claim's values -> stdout",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stage: { type: "string" } }, usage);
    return postRenderMain(requireOpt(o.stage, "stage", usage));
  },
};
