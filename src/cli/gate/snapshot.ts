// A stack's config as it is at a commit (read with `git cat-file`, no checkout) or in the working tree.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type Project, parseYamlText, projectOf, stackValuesOf } from "../../config/load";
import { showFile } from "../diff/gitRef";

export interface Snapshot {
  project: Project;
  /** The stack file's path from the repository root. */
  stackPath: string;
  /** `ocdp:*` values (project's + stack's); undefined when the stack does not exist there. */
  values?: Record<string, unknown>;
}

/** `commit` undefined: the working tree. */
export async function snapshotAt(root: string, stack: string, commit?: string): Promise<Snapshot> {
  const read = async (path: string) => (commit ? showFile(root, commit, path) : (existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : undefined));
  const at = commit ? commit.slice(0, 12) : "working tree";
  const projectText = (await read("Pulumi.yaml")) ?? "";
  const project = projectOf(root, parseYamlText(projectText, `Pulumi.yaml at ${at}`));
  const stackPath = relative(root, join(root, project.stackConfigDir, `Pulumi.${stack}.yaml`));
  const text = await read(stackPath);
  return { project, stackPath, values: text === undefined ? undefined : stackValuesOf(project, parseYamlText(text, `${stackPath} at ${at}`)) };
}
