// `helm template` with the pinned helm: the first step of a Helm-backed claim.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import { RenderError } from "../config/errors";
import { treeHash } from "../catalog/sources/treeHash";
import { runTool } from "./tools";

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

/** The chart as bytes on disk: a local folder, or the archive pulled once per repository/chart/version. */
export interface ChartSource {
  path: string;
  digest: string;
}

const pulls = new Map<string, Promise<ChartSource>>();

export function chartSource(rc: ResolvedClaim, ctx: HelmContext): Promise<ChartSource> {
  const h = rc.helm!;
  if (!h.repo && !h.chart.startsWith("oci://")) return Promise.resolve({ path: h.chart, digest: `dir:${treeHash(h.chart)}` });
  const id = createHash("sha256").update(JSON.stringify([h.repo ?? "", h.chart, h.version ?? ""])).digest("hex").slice(0, 24);
  let p = pulls.get(id);
  if (!p) {
    p = (async () => {
      const dir = join(ctx.cacheDir, "charts", id);
      if (!existsSync(dir)) {
        const tmp = `${dir}.${process.pid}.tmp`;
        rmSync(tmp, { recursive: true, force: true });
        mkdirSync(tmp, { recursive: true });
        const args = ["pull", h.chart, "--destination", tmp];
        if (h.repo) args.push("--repo", h.repo);
        if (h.version) args.push("--version", h.version);
        if (h.plainHttp) args.push("--plain-http");
        try {
          // A plain error: every claim of this chart awaits the same pull and names itself (renderClaim).
          await runTool("helm", args, { projectRoot: ctx.projectRoot, env: helmEnv(ctx.cacheDir) });
        } catch (e) {
          rmSync(tmp, { recursive: true, force: true });
          throw e;
        }
        try { renameSync(tmp, dir); } catch { rmSync(tmp, { recursive: true, force: true }); }
      }
      const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz"))!);
      return { path: file, digest: `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}` };
    })();
    pulls.set(id, p);
    p.catch(() => pulls.delete(id));
  }
  return p;
}

export function helmArgs(rc: ResolvedClaim, valuesFile: string, chartPath = rc.helm!.chart): string[] {
  const h = rc.helm!;
  const args = ["template", h.release, chartPath, "--namespace", rc.namespace, "--values", valuesFile, "--skip-tests"];
  if (chartPath === h.chart && h.repo) args.push("--repo", h.repo);
  if (chartPath === h.chart && h.version) args.push("--version", h.version);
  if (rc.kubeVersion) args.push("--kube-version", rc.kubeVersion);
  return args;
}

export async function helmTemplate(rc: ResolvedClaim, ctx: HelmContext, chart?: ChartSource): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ocdp-helm-"));
  try {
    const valuesFile = join(dir, "values.json");
    writeFileSync(valuesFile, JSON.stringify(rc.helm!.values), { mode: 0o600 });
    try {
      const r = await runTool("helm", helmArgs(rc, valuesFile, chart?.path), { projectRoot: ctx.projectRoot, env: helmEnv(ctx.cacheDir), cwd: ctx.projectRoot });
      return r.stdout;
    } catch (e) {
      throw new RenderError({ stack: rc.stack, claim: rc.claim.name, template: rc.template.id, field: "source.chart" }, "helm template", (e as Error).message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
