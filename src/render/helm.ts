// `helm template` with the pinned helm: the first step of a Helm-backed claim.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import execa from "execa";
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { toolPath } from "./tools";

export interface HelmContext {
  projectRoot: string;
  cacheDir: string;
}

/** Helm's own state (repository cache, config) kept inside the project cache, away from the user's. */
export function helmEnv(cacheDir: string): Record<string, string> {
  return {
    HELM_CACHE_HOME: join(cacheDir, "helm", "cache"),
    HELM_CONFIG_HOME: join(cacheDir, "helm", "config"),
    HELM_DATA_HOME: join(cacheDir, "helm", "data"),
  };
}

export function helmArgs(rc: ResolvedClaim, valuesFile: string): string[] {
  const h = rc.helm!;
  const args = ["template", h.release, h.chart, "--namespace", rc.namespace, "--values", valuesFile, "--skip-tests"];
  if (h.repo) args.push("--repo", h.repo);
  if (h.version) args.push("--version", h.version);
  if (rc.kubeVersion) args.push("--kube-version", rc.kubeVersion);
  return args;
}

export async function helmTemplate(rc: ResolvedClaim, ctx: HelmContext): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ocdp-helm-"));
  try {
    const valuesFile = join(dir, "values.json");
    writeFileSync(valuesFile, JSON.stringify(rc.helm!.values), { mode: 0o600 });
    const r = await execa(toolPath("helm", ctx.projectRoot), helmArgs(rc, valuesFile), {
      reject: false, env: helmEnv(ctx.cacheDir), cwd: ctx.projectRoot, maxBuffer: 1 << 28,
    });
    if (r.exitCode !== 0) throw new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.chart" }, "helm template", r.stderr || r.stdout);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
