// The Pulumi program, thin: load the stack's config with the CLI's loader, resolve and validate every
// claim and render it offline (digest, and proof the render works) before a single resource is
// registered, then deploy. Any problem: one report, nothing registered, so nothing can be deleted.
import * as pulumi from "@pulumi/pulumi";
import { resolveStack } from "./catalog/resolve";
import { formatIssues, RenderError, ValidationError } from "./config/errors";
import { findProjectRoot, fromConfigValues, loadProject } from "./config/load";
import { deployStack } from "./deploy/stack";
import { RenderCache } from "./render/cache";
import { renderClaims } from "./render/stack";

export = async () => {
  const stack = pulumi.getStack();
  const cfg = new pulumi.Config("ocdp");
  const project = loadProject(findProjectRoot(process.cwd()));
  const cacheDir = process.env.OCDP_CACHE_DIR ?? `${project.root}/.ocdp/cache`;
  const ctx = { projectRoot: project.root, cacheDir, renderCache: new RenderCache(`${cacheDir}/render`) };
  try {
    const config = fromConfigValues(stack, {
      templates: cfg.getObject("templates"), cluster: cfg.getObject("cluster"), policy: cfg.getObject("policy"), claims: cfg.getObject("claims"),
    });
    const claims = await resolveStack(config, ctx);
    const { rendered, failures } = await renderClaims(claims, ctx);
    if (failures.length) throw new pulumi.RunError(`${failures.length} claim(s) failed to render:\n${failures.map((f) => `  - ${f.message}`).join("\n")}`);
    const kubeconfig = cfg.getSecret("kubeconfig");
    const { endpoints, workloads } = deployStack(config, rendered, ctx, kubeconfig);
    return { endpoints, workloads };
  } catch (e) {
    if (e instanceof ValidationError) throw new pulumi.RunError(formatIssues(e.issues));
    if (e instanceof RenderError) throw new pulumi.RunError(e.message);
    throw e;
  }
};
