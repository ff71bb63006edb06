// The Pulumi program, thin: load the stack's config with the CLI's loader, resolve and validate every
// claim and render it offline (digest, and proof the render works) before a single resource is
// registered, then deploy. Any problem: one report, nothing registered, so nothing can be deleted.
import * as pulumi from "@pulumi/pulumi";
import { CREDENTIALS_KEY, parseCredentials, referencedPullSecrets } from "./config/credentials";
import { formatIssues, RenderError, ValidationError } from "./config/errors";
import { mergeAccess } from "./config/access";
import { findProjectRoot, fromConfigValues, loadProject } from "./config/load";
import { deployStack } from "./pulumi/stack";
import { plainStackTraces } from "./pulumi/stackTraces";
import { RenderCache } from "./offline/cache";
import { planStack } from "./offline/plan";

export = async () => {
  plainStackTraces();
  const stack = pulumi.getStack();
  const cfg = new pulumi.Config("ocdp");
  const project = loadProject(findProjectRoot(process.cwd()));
  const cacheDir = process.env.OCDP_CACHE_DIR ?? `${project.root}/.ocdp/cache`;
  const ctx = { projectRoot: project.root, cacheDir, renderCache: new RenderCache(`${cacheDir}/render`) };
  try {
    const keys = Object.keys(pulumi.runtime.allConfig()).filter((k) => k.startsWith("ocdp:")).map((k) => k.slice("ocdp:".length));
    const config = fromConfigValues(stack, {
      templates: cfg.getObject("templates"), cluster: cfg.getObject("cluster"), policy: cfg.getObject("policy"), claims: cfg.getObject("claims"),
      // Pulumi hands over the stack's ocdp:access in place of the project's; the directory is their union.
      access: mergeAccess(project.config.access, cfg.getObject("access")),
    }, keys);
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
    const secrets = { kubeconfig: cfg.getSecret("kubeconfig"), registryCredentials: creds.credentials };
    const { endpoints, workloads } = deployStack(config, rendered, plan.quotas, ctx, secrets);
    return { endpoints, workloads };
  } catch (e) {
    if (e instanceof ValidationError) throw new pulumi.RunError(formatIssues(e.issues));
    if (e instanceof RenderError) throw new pulumi.RunError(e.message);
    throw e;
  }
};
