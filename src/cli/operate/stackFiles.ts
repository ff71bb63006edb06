// A stack's encryption salt kept out of the committed stack file. `pulumi stack init` with a passphrase
// appends `encryptionsalt:` to stacks/Pulumi.<s>.yaml; for a personal backend (the embedded `local`
// stack, a laptop) that line is per user and must not dirty the checkout. It is moved to
// .ocdp/pulumi/<s>.encryptionsalt, and commands are given a generated config file (the stack file +
// the salt) with --config-file. A stack file that carries its own salt (a team stack) is used as is.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SALT = /^encryptionsalt: (.+)\n?/m;

export interface StackFiles {
  /** The committed stack file. */
  file: string;
  saltFile: string;
  generated: string;
}

export function stackFiles(root: string, stackFile: string, stack: string): StackFiles {
  const dir = join(root, ".ocdp", "pulumi");
  return { file: stackFile, saltFile: join(dir, `${stack}.encryptionsalt`), generated: join(dir, `Pulumi.${stack}.yaml`) };
}

/** After `stack init`: the salt pulumi appended goes to the salt file; the stack file is as before. */
export function moveSalt(f: StackFiles, before: string): void {
  const now = readFileSync(f.file, "utf8");
  const m = SALT.exec(now);
  if (!m || SALT.test(before)) return;
  mkdirSync(join(f.saltFile, ".."), { recursive: true });
  writeFileSync(f.saltFile, `${m[1]}\n`, { mode: 0o600 });
  writeFileSync(f.file, before);
}

/** The `--config-file` arguments for a command on this stack (none when the stack file has its salt). */
export function configFileArgs(f: StackFiles): string[] {
  const text = readFileSync(f.file, "utf8");
  if (SALT.test(text) || !existsSync(f.saltFile)) return [];
  writeFileSync(f.generated, `${text.replace(/\n*$/, "\n")}encryptionsalt: ${readFileSync(f.saltFile, "utf8").trim()}\n`);
  return ["--config-file", f.generated];
}
