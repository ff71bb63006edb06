// What every command needs: parsed options, the project, the stack's config and the render context.
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../config/errors";
import { findProjectRoot, loadProject, loadStack, type Project } from "../config/load";
import type { StackConfig } from "../config/types";
import { RenderCache } from "../offline/cache";
import type { RenderContext } from "../offline/pipeline";
import { sourceAccess, type SourceAccess } from "../catalog/sources/access";
import { SOURCE_CREDENTIALS_KEY, type SourceCredential } from "../config/sourceCredentials";
import { readStackSecretObject } from "./operate/stackSecrets";

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, project: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

export function requireOpt(v: string | undefined, name: string, usage: string): string {
  if (!v) throw new UsageError(`--${name} is required\n\n${usage}`);
  return v;
}

export interface StackContext {
  project: Project;
  config: StackConfig;
  ctx: RenderContext;
}

/** Caches live in `.ocdp/cache` (git-ignored; OCDP_CACHE_DIR moves them); `useCache: false` bypasses the render cache. */
export function renderContext(project: Project, useCache = true): RenderContext {
  const cacheDir = process.env.OCDP_CACHE_DIR ?? join(project.root, ".ocdp", "cache");
  return { projectRoot: project.root, cacheDir, renderCache: useCache ? new RenderCache(join(cacheDir, "render")) : undefined };
}

export function openProject(projectDir?: string): Project {
  return loadProject(findProjectRoot(projectDir ?? process.cwd()));
}

export function openStack(stack: string, projectDir?: string, useCache = true): StackContext {
  const project = openProject(projectDir);
  const config = loadStack(project, stack);
  return { project, config, ctx: { ...renderContext(project, useCache), sources: offlineSources(project, config) } };
}

/** The stack's logins to private sources, decrypted through Pulumi when a source first needs one. */
export function offlineSources(project: Project, config: StackConfig): SourceAccess {
  return sourceAccess(config.stack, config.sourceUrls, credentialsReader(project, config.stack));
}

/** Reads the stack's decrypted ocdp:sourceCredentials through Pulumi, once, when first called. */
export function credentialsReader(project: Project, stack: string): () => Promise<Record<string, SourceCredential>> {
  let read: Promise<Record<string, SourceCredential>> | undefined;
  return () => (read ??= readStackSecretObject<Record<string, SourceCredential>>(project, stack, `ocdp:${SOURCE_CREDENTIALS_KEY}`));
}
