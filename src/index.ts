// The Pulumi program, thin: load the stack's config with the CLI's loader (proven equal to Pulumi's reading), resolve and validate every
// claim and render it offline (digest, and proof the render works) before a single resource is
// registered, then deploy. Any problem: one report, nothing registered, so nothing can be deleted.
import { relative } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CREDENTIALS_KEY, parseCredentials, referencedPullSecrets } from "./config/credentials";
import { formatIssues, RenderError, ValidationError } from "./config/errors";
import { SEED_KEY, seedProblems } from "./config/secretSeed";
import { SOURCE_CREDENTIALS_KEY } from "./config/sourceCredentials";
import { sourceAccess } from "./catalog/sources/access";
import { findProjectRoot, fromConfigValues, loadProject, loadStackReading, stackFile } from "./config/load";
import { isSecure, readingDifferences } from "./config/sameReading";
import { holdsGenerated } from "./steps/derived";
import { deployStack } from "./pulumi/stack";
import { plainStackTraces } from "./pulumi/stackTraces";
import { RenderCache } from "./offline/cache";
import { planStack } from "./offline/plan";
import { chartSource } from "./offline/helm";

export = async () => {
  plainStackTraces();
  const stack = pulumi.getStack();
  const cfg = new pulumi.Config("ocdp");
  try {
    const project = loadProject(findProjectRoot(process.cwd()));
    const cacheDir = process.env.OCDP_CACHE_DIR ?? `${project.root}/.ocdp/cache`;
    // One reading: the stack file through ocdp's strict loader (what the gate, diff and render judged),
    // proven equal to the config Pulumi handed this program, key by key; any difference refuses the run.
    const reading = loadStackReading(project, stack);
    const differ = readingDifferences(reading.config, pulumi.runtime.allConfig());
    if (differ.length) {
      const rel = relative(project.root, stackFile(project, stack));
      throw new ValidationError(differ.map((d) => ({ stack, field: rel, rule: `${d} (run Pulumi with the stack file itself; see docs/pull-requests.md)` })));
    }
    const config = fromConfigValues(stack, reading.values);
    // Logins to private chart and preset sources: Pulumi hands the program their plaintext.
    const sources = sourceAccess(stack, config.sourceUrls, async () => JSON.parse(pulumi.runtime.getConfig(`ocdp:${SOURCE_CREDENTIALS_KEY}`) ?? "{}"));
    const ctx = { projectRoot: project.root, cacheDir, renderCache: new RenderCache(`${cacheDir}/render`), sources };
    // Secret config is read raw (Config.get would warn) and checked without echoing a value.
    const creds = parseCredentials(stack, pulumi.runtime.getConfig(`ocdp:${CREDENTIALS_KEY}`), referencedPullSecrets(config.policy));
    const plan = await planStack(config, ctx).catch((e) => {
      throw e instanceof ValidationError ? new ValidationError([...e.issues, ...creds.issues]) : e;
    });
    if (creds.issues.length) throw new ValidationError(creds.issues);
    const { rendered, failures } = plan;
    if (failures.length) throw new pulumi.RunError(`${failures.length} claim(s) failed to render:\n${failures.map((f) => `  - ${f.message}`).join("\n")}`);
    // Over budget: refused here, before a single resource is registered (preview and up alike).
    if (plan.issues.length) throw new ValidationError(plan.issues);
    // Where to look when a workload does not come up: the provider's own timeout error cannot say it.
    if (rendered.length) {
      const t = config.cluster.timeouts?.readiness ?? "10m";
      pulumi.log.info(`each workload has ${t} to become ready (ocdp:cluster.timeouts.readiness); if one does not, \`npx ocdp status --stack ${stack}\` says why`);
    }
    // Generated values are derived from the stack's seed: without it they could only change at every run.
    const secretSeed = pulumi.runtime.getConfig(SEED_KEY);
    const seedIssues = seedProblems(stack, secretSeed, rendered.filter((r) => holdsGenerated(r.objects)).map((r) => r.claim.claim.name),
      isSecure(reading.config[SEED_KEY]));
    if (seedIssues.length) throw new ValidationError(seedIssues);
    const secrets = { kubeconfig: cfg.getSecret("kubeconfig"), registryCredentials: creds.credentials, secretSeed };
    // Charts pulled with a login: the plan's pull (memoised in this process) is what Chart v4 is given.
    const privateCharts = new Map<string, string>();
    for (const r of rendered.filter((x) => x.claim.helm)) {
      const c = await chartSource(r.claim, ctx);
      if (c.private) privateCharts.set(r.claim.claim.name, c.path);
    }
    const { endpoints, workloads, credentials, credentialNames } = deployStack(config, rendered, plan.quotas, ctx, secrets, privateCharts);
    return { endpoints, workloads, credentials, credentialNames };
  } catch (e) {
    if (e instanceof ValidationError) throw new pulumi.RunError(formatIssues(e.issues));
    if (e instanceof RenderError) throw new pulumi.RunError(e.message);
    throw e;
  }
};
