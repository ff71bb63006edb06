// A claim staged as the Pulumi program stages it, and the Helm output the offline executor renders for
// it: what a test gives `ocdp post-render --stage` in place of the provider.
import { join } from "node:path";
import { resolveStack } from "../src/catalog/resolve";
import { openStack } from "../src/cli/context";
import { stageClaim as stageForProvider } from "../src/pulumi/stage";
import { chartSource, helmTemplate } from "../src/offline/helm";

export async function stageClaim(dir: string, stack: string, claim: string): Promise<{ stage: string; helmOutput: string }> {
  const { config, ctx } = openStack(stack, dir);
  const [rc] = await resolveStack(config, ctx, [claim]);
  const helmOutput = await helmTemplate(rc, ctx, await chartSource(rc, ctx));
  return { stage: stageForProvider(rc, join(dir, ".ocdp", "stage"), ctx.cacheDir, []), helmOutput };
}
