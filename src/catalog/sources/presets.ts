// Where a template's preset is on disk: the manifests-tree root (presets/ of this checkout, or a Git
// tree at the resolved commit) and the preset folder inside it, which may never escape that root.
import { existsSync, statSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import type { PresetRef } from "../../config/types";
import { accessError, type SourceAccess } from "./access";
import { checkout, GitFetchError } from "./git";

export interface ResolvedPreset {
  /** Root of the manifests tree. */
  root: string;
  /** Preset path relative to the root, normalised. */
  path: string;
  /** Absolute preset folder. */
  dir: string;
  repositoryUrl?: string;
  /** Resolved commit for Git presets. */
  commit?: string;
}

/** Returns a rule broken by `path`, or undefined when it stays inside the tree. */
export function pathEscapes(path: string): string | undefined {
  if (isAbsolute(path)) return "must be relative to the manifests-tree root";
  const n = normalize(path);
  if (n === ".." || n.startsWith(`..${sep}`) || n.split(sep).includes("..")) return "must not leave the manifests tree (no ..)";
  return undefined;
}

export async function resolvePreset(projectRoot: string, cacheDir: string, ref: PresetRef, stack: string, access?: SourceAccess): Promise<ResolvedPreset> {
  const escape = pathEscapes(ref.path);
  if (escape) throw new Error(escape);
  let root = join(projectRoot, "presets");
  let commit: string | undefined;
  if (ref.repositoryUrl) {
    const remote = /^https?:\/\//.test(ref.repositoryUrl);
    const url = /^[a-z]+:\/\//.test(ref.repositoryUrl) || isAbsolute(ref.repositoryUrl) ? ref.repositoryUrl : join(projectRoot, ref.repositoryUrl);
    const login = remote && access ? await access.loginFor(url) : undefined;
    const co = await checkout(cacheDir, url, ref.ref ?? "HEAD", login).catch((e: Error) => {
      throw e instanceof GitFetchError && remote ? accessError(stack, "Git repository", url, login, e.message) : e;
    });
    root = co.dir;
    commit = co.commit;
  }
  const dir = join(root, normalize(ref.path));
  if (relative(root, dir).startsWith("..")) throw new Error("must not leave the manifests tree (no ..)");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`no preset folder ${ref.path} in ${ref.repositoryUrl ? `${ref.repositoryUrl}@${commit?.slice(0, 12)}` : "presets/"}`);
  }
  return { root, path: normalize(ref.path), dir, repositoryUrl: ref.repositoryUrl, commit };
}
