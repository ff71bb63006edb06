// A stack's config as it is at a commit (read with `git cat-file`, no checkout) or in the working tree.
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ValidationError } from "../../config/errors";
import { readStackFile } from "../../config/configFile";
import { type Project, projectOf, snapshotValuesOf } from "../../config/load";
import { showFile } from "../diff/gitRef";

export interface Snapshot {
  project: Project;
  /** The stack file's path from the repository root. */
  stackPath: string;
  /** `ocdp:*` values (project's + stack's) without the namespace, other namespaces' keys whole; undefined when the stack does not exist there. */
  values?: Record<string, unknown>;
}

/** `commit` undefined: the working tree. */
export async function snapshotAt(root: string, stack: string, commit?: string): Promise<Snapshot> {
  const fromTree = (path: string) => {
    const p = join(root, path);
    if (!existsSync(p)) return undefined;
    if (lstatSync(p).isSymbolicLink()) throw new ValidationError([{ field: path, rule: "must be a regular file, not a symlink" }]);
    return readFileSync(p);
  };
  const read = async (path: string) => (commit ? showFile(root, commit, path) : fromTree(path));
  const at = commit ? commit.slice(0, 12) : "working tree";
  const projectBytes = (await read("Pulumi.yaml")) ?? Buffer.alloc(0);
  const project = projectOf(root, projectBytes, `Pulumi.yaml at ${at}`);
  const stackPath = relative(root, join(root, project.stackConfigDir, `Pulumi.${stack}.yaml`));
  const bytes = await read(stackPath);
  if (bytes === undefined) return { project, stackPath };
  // Keys of other namespaces an admin allows are judged too, under their full names.
  return { project, stackPath, values: snapshotValuesOf(project, readStackFile(bytes, `${stackPath} at ${at}`, project.file.allowedKeys)) };
}
