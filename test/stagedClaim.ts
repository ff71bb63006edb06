// A claim staged as the Pulumi program stages it, and the Helm output the offline executor renders for
// it (hooks split off, as the provider's Helm gives it): what a test gives `ocdp post-render --stage` in place of the provider.
import { join } from "node:path";
import { resolveStack } from "../src/catalog/resolve";
import { openStack } from "../src/cli/context";
import { stageClaim as stageForProvider } from "../src/pulumi/stage";
import { chartOutput } from "../src/offline/chartOutput";
import { chartSource, helmTemplate } from "../src/offline/helm";
import { splitHooks } from "../src/steps/hooks";

export async function stageClaim(dir: string, stack: string, claim: string): Promise<{ stage: string; helmOutput: string }> {
  const { config, ctx } = openStack(stack, dir);
  const [rc] = await resolveStack(config, ctx, [claim]);
  const chart = await chartSource(rc, ctx);
  const { extras } = await chartOutput(rc, ctx, chart, true);
  // What the provider's Helm gives its post-renderer: a render of its own, without hooks.
  const helmOutput = splitHooks(await helmTemplate(rc, ctx, chart)).manifest;
  return { stage: stageForProvider(rc, join(dir, ".ocdp", "stage"), ctx.cacheDir, extras), helmOutput };
}
