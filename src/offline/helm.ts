// `helm template` with the pinned helm: the first step of a Helm-backed claim.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import { accessError, helmRepoLogin, ociLogin, REPO_NAME, type SourceAccess } from "../catalog/sources/access";
import type { SourceLogin } from "../config/sourceCredentials";
import { RenderError } from "../config/errors";
import { treeHash } from "../catalog/sources/treeHash";
import execa from "execa";
import { runTool, toolPath } from "./tools";

export interface HelmContext {
  projectRoot: string;
  cacheDir: string;
  sources?: SourceAccess;
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
  /** Pulled with a login (ocdp:sourceCredentials): the program hands Chart v4 this archive, not the repository. */
  private?: boolean;
}

const pulls = new Map<string, Promise<ChartSource>>();

/** The `helm pull` (after a `helm repo update` for a repository behind a login) into `dest`. */
async function pull(rc: ResolvedClaim, ctx: HelmContext, dest: string, login: SourceLogin | undefined): Promise<void> {
  const h = rc.helm!;
  const run = (args: string[]) => runTool("helm", args, { projectRoot: ctx.projectRoot, env: helmEnv(ctx.cacheDir) });
  const session = login ? (h.repo ? helmRepoLogin(login, h.repo) : ociLogin(login, h.chart)) : undefined;
  try {
    if (session && h.repo) {
      // helm says why a repository failed on stdout (the 401) and only that one failed on stderr.
      const r = await execa(toolPath("helm", ctx.projectRoot), ["repo", "update", REPO_NAME, "--fail-on-repo-update-fail", ...session.args],
        { reject: false, env: helmEnv(ctx.cacheDir) });
      if (r.exitCode !== 0) throw new Error(`${String(r.stdout)}\n${String(r.stderr)}`.trim());
    }
    const args = ["pull", session && h.repo ? `${REPO_NAME}/${h.chart}` : h.chart, "--destination", dest, ...(session?.args ?? [])];
    if (h.repo && !session) args.push("--repo", h.repo);
    if (h.version) args.push("--version", h.version);
    if (h.plainHttp) args.push("--plain-http");
    await run(args);
  } catch (e) {
    // Which server refused or could not be reached, and the key to set: never the secret.
    throw accessError(rc.stack, h.repo ? "Helm repository" : "OCI registry", h.repo ?? h.chart, login, (e as Error).message);
  } finally {
    session?.cleanup();
  }
}

/**
 * A repository's or registry's chart, pulled once per process. A public one is kept in the cache by
 * repository, chart and version. One behind a login is kept apart (by login) and pulled again in every
 * process, with the login, before it is used: what one stack fetched with its credentials is never what
 * another stack, without them, is given (docs/admins.md#private-sources).
 */
export function chartSource(rc: ResolvedClaim, ctx: HelmContext): Promise<ChartSource> {
  const h = rc.helm!;
  if (!h.repo && !h.chart.startsWith("oci://")) return Promise.resolve({ path: h.chart, digest: `dir:${treeHash(h.chart)}` });
  return (async () => {
    const login = ctx.sources ? await ctx.sources.loginFor(h.repo ?? h.chart) : undefined;
    const id = createHash("sha256").update(JSON.stringify([h.repo ?? "", h.chart, h.version ?? "", login ? [login.name, login.url, login.username] : null])).digest("hex").slice(0, 24);
    let p = pulls.get(id);
    if (!p) {
      p = (async () => {
        let dir = join(ctx.cacheDir, "charts", id);
        if (login) {
          // Pulled fresh, then moved over the last pull (a file rename replaces atomically): the path
          // stays the same from run to run, so Chart v4's input does not change when the chart does not.
          dir = join(ctx.cacheDir, "private", "charts", id);
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          const tmp = mkdtempSync(`${dir}-`);
          try {
            await pull(rc, ctx, tmp, login);
            const name = readdirSync(tmp).find((f) => f.endsWith(".tgz"))!;
            renameSync(join(tmp, name), join(dir, name));
          } finally {
            rmSync(tmp, { recursive: true, force: true });
          }
        } else if (!existsSync(dir)) {
          const tmp = `${dir}.${process.pid}.tmp`;
          rmSync(tmp, { recursive: true, force: true });
          mkdirSync(tmp, { recursive: true });
          try {
            // A plain error: every claim of this chart awaits the same pull and names itself (renderClaim).
            await pull(rc, ctx, tmp, undefined);
          } catch (e) {
            rmSync(tmp, { recursive: true, force: true });
            throw e;
          }
          try { renameSync(tmp, dir); } catch { rmSync(tmp, { recursive: true, force: true }); }
        }
        const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".tgz"))!);
        return { path: file, digest: `sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`, ...(login ? { private: true } : {}) };
      })();
      pulls.set(id, p);
      p.catch(() => pulls.delete(id));
    }
    return p;
  })();
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
