import { resolveStack } from "../catalog/resolve";
import { postRenderKey } from "../render/cache";
import { dumpObjects } from "../render/objects";
import { postRender } from "../render/pipeline";
import { openStack, parse, requireOpt } from "./context";
import type { Command } from "./main";

const usage = `Usage: ocdp post-render --stack <name> --claim <name> [--project <dir>]

A Helm post-renderer: reads Helm's output on stdin, stages it as rendered.yaml with the claim's values
into the template's preset, runs kustomize build and prints the result on stdout. Exits non-zero (and
prints nothing) when the claim is invalid, kustomize fails, or the result has no objects.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export const postRenderCommand: Command = {
  summary: "Helm post-renderer: stdin (helm output) -> preset with the claim's values -> stdout",
  usage,
  async run(argv) {
    const { values: o } = parse(argv, { stack: { type: "string" }, claim: { type: "string" } }, usage);
    const stack = requireOpt(o.stack, "stack", usage);
    const claim = requireOpt(o.claim, "claim", usage);
    const { config, ctx } = openStack(stack, o.project);
    const [rc] = await resolveStack(config, ctx, [claim]);
    const input = await readStdin();
    // Same render cache as `ocdp render`, keyed by Helm's output instead of the chart.
    const key = postRenderKey(rc, input);
    let objects = ctx.renderCache?.get(key);
    if (!objects) {
      objects = await postRender(rc, rc.helm ? input : undefined, ctx);
      ctx.renderCache?.put(key, objects);
    }
    process.stdout.write(dumpObjects(objects));
    return 0;
  },
};
