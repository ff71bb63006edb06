// Reads Pulumi.yaml and stacks/Pulumi.<stack>.yaml the way Pulumi does (project config under `config:`
// with `value:`, stack config overriding it), through the one strict reader (configFile.ts), and checks
// them against the schemas. The Pulumi program reads the same files and proves Pulumi read them alike.
import { credentialUrls, sourceCredentialProblems } from "./sourceCredentials";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { IssueList, shown, UsageError, ValidationError } from "./errors";
import { checkDirectory, mergeAccess } from "./access";
import { Directory, ownerIssues } from "./directory";
import { type ConfigValues, effectiveConfig, KNOWN_KEYS, NS, PROJECT_ONLY_KEYS, type ProjectFile, readProjectFile, readStackFile } from "./configFile";
import { accessSchema, claimSchema, clusterSchema, policySchema, templateSchema } from "./schema";
import type { Access, Claim, Cluster, Policy, StackConfig, Template } from "./types";
import { check } from "./validate";

export { KNOWN_KEYS, NS };

export interface Project {
  root: string;
  name: string;
  stackConfigDir: string;
  /** Project-level config values (`ocdp:templates` etc.), keys without the namespace. */
  config: Record<string, unknown>;
  /** Pulumi.yaml as read: full keys, and the other namespaces' keys an admin allows. */
  file: ProjectFile;
}

/** The nearest directory at or above `from` that holds Pulumi.yaml. */
export function findProjectRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new UsageError(`no Pulumi.yaml found at or above ${from}`);
    dir = up;
  }
}

/** `ocdp:key` entries of full-key config, keys without the namespace. */
function ocdpKeys(config: ConfigValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(`${NS}:`)) out[k.slice(NS.length + 1)] = v;
  return out;
}

export function loadProject(root = findProjectRoot()): Project {
  return projectOf(root, readFileSync(join(root, "Pulumi.yaml")), "Pulumi.yaml");
}

/** The project described by Pulumi.yaml's bytes (or text); `where` names it in errors. */
export function projectOf(root: string, input: string | Uint8Array, where = "Pulumi.yaml"): Project {
  const file = readProjectFile(input, where);
  // What a stack's values start from: the project's ocdp: keys, its own settings (the allow-list) aside.
  const config = ocdpKeys(file.config);
  for (const k of PROJECT_ONLY_KEYS) delete config[k];
  return { root, name: file.name, stackConfigDir: file.stackConfigDir, config, file };
}

export function stackFile(project: Project, stack: string): string {
  return join(project.root, project.stackConfigDir, `Pulumi.${stack}.yaml`);
}

/** What Pulumi and a stack name may be: the gate and every command refuse anything else. */
export const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** A stack file's bytes; a symlink is refused (git stores its target, Pulumi would follow it). */
function readStackBytes(project: Project, stack: string): Buffer {
  if (!STACK_NAME.test(stack)) throw new ValidationError([{ field: "--stack", rule: `not a stack name: ${shown(stack)}` }]);
  const file = stackFile(project, stack);
  const rel = relative(project.root, file);
  if (!existsSync(file)) throw new ValidationError([{ stack, field: "--stack", rule: `no such stack: ${rel} does not exist` }]);
  if (lstatSync(file).isSymbolicLink()) throw new ValidationError([{ stack, field: rel, rule: "a stack file must be a regular file, not a symlink" }]);
  return readFileSync(file);
}

/** The stack file's own config keys (full keys), read once by the strict loader. */
function readOwn(project: Project, stack: string): ConfigValues {
  return readStackFile(readStackBytes(project, stack), relative(project.root, stackFile(project, stack)), project.file.allowedKeys);
}

/** Raw `ocdp:*` values from a stack file's own keys: the project's, overridden by the stack's, access a union. */
function valuesOf(project: Project, own: ConfigValues): Record<string, unknown> {
  const mine = ocdpKeys(own);
  const merged = { ...project.config, ...mine };
  if ("access" in mine) merged.access = mergeAccess(project.config.access, mine.access);
  return merged;
}

/**
 * A stack read once, two ways: every config key as Pulumi hands them to the program (project's, then
 * the stack's; for the program's proof of one reading), and the `ocdp:*` values the commands check.
 */
export function loadStackReading(project: Project, stack: string): { config: ConfigValues; values: Record<string, unknown> } {
  const own = readOwn(project, stack);
  return { config: effectiveConfig(project.file, own), values: valuesOf(project, own) };
}

/** Raw `ocdp:*` values of a stack: the project's, overridden by the stack file's. */
export function loadStackValues(project: Project, stack: string): Record<string, unknown> {
  return valuesOf(project, readOwn(project, stack));
}

/** Raw `ocdp:*` values from a stack file's bytes (a commit's, or text about to be written). */
export function stackValuesOf(project: Project, input: string | Uint8Array, where: string): Record<string, unknown> {
  return valuesOf(project, readStackFile(input, where, project.file.allowedKeys));
}

/** The values a stack file's own keys give, other namespaces' keys kept whole (what the gate judges). */
export function snapshotValuesOf(project: Project, own: ConfigValues): Record<string, unknown> {
  return { ...valuesOf(project, own), ...Object.fromEntries(Object.entries(own).filter(([k]) => !k.startsWith(`${NS}:`))) };
}

/** Templates may be a list or a map keyed by id. */
function templateList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (raw && typeof raw === "object") return Object.entries(raw).map(([id, t]) => ({ ...(t as object), id }));
  return [];
}


/**
 * Checks the shapes of templates, cluster, policy and claims; every problem reported at once. `keys`:
 * every `ocdp:` key the stack sets (default: those of `values`).
 */
export function fromConfigValues(stack: string, values: Record<string, unknown>, keys = Object.keys(values)): StackConfig {
  const issues = new IssueList();
  for (const k of keys) {
    if (!KNOWN_KEYS.includes(k)) issues.add({ stack, field: `${NS}:${k}`, rule: `unknown key: expected one of ${KNOWN_KEYS.map((x) => `${NS}:${x}`).join(", ")}` });
  }
  const templates = templateList(values.templates);
  if (templates.length === 0) issues.add({ stack, field: `${NS}:templates`, rule: "required: at least one template" });
  templates.forEach((t, i) => {
    const id = (t as Template)?.id;
    for (const x of check(templateSchema, t, { stack, template: typeof id === "string" ? id : `templates[${i}]` })) issues.add(x);
    if ((t as Template)?.source?.type === "helm" && !(t as Template).source.chart) {
      issues.add({ stack, template: String(id), field: "source.chart", rule: "required when source.type is helm" });
    }
    const src = (t as Template)?.source;
    if (src?.plainHttp && !`${src.repositoryUrl ?? ""}${src.chart ?? ""}`.includes("oci://")) {
      issues.add({ stack, template: String(id), field: "source.plainHttp", rule: "only for oci:// charts (an http:// Helm repository is set by its URL)" });
    }
    if ((t as Template)?.source?.preset?.repositoryUrl && !(t as Template).source.preset.ref) {
      issues.add({ stack, template: String(id), field: "source.preset.ref", rule: "required with source.preset.repositoryUrl" });
    }
  });
  const ids = templates.map((t) => (t as Template)?.id);
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) issues.add({ stack, template: String(id), field: "id", rule: "duplicate template id" });
  });

  const cluster = values.cluster;
  if (cluster === undefined) issues.add({ stack, field: `${NS}:cluster`, rule: "required" });
  else for (const x of check(clusterSchema, cluster, { stack }, `${NS}:cluster`)) issues.add(x);
  const policy = values.policy ?? {};
  for (const x of check(policySchema, policy, { stack }, `${NS}:policy`)) issues.add(x);

  const access = values.access ?? {};
  const accessIssues = check(accessSchema, access, { stack }, `${NS}:access`);
  accessIssues.forEach((x) => issues.add(x));
  if (!accessIssues.length) checkDirectory(stack, access as Access).forEach((x) => issues.add(x));

  const claims = values.claims ?? [];
  const shaped: Claim[] = [];
  if (!Array.isArray(claims)) {
    issues.add({ stack, field: `${NS}:claims`, rule: "must be a list of claims" });
  } else {
    claims.forEach((c, i) => {
      const name = (c as Claim)?.name;
      const where = { stack, claim: typeof name === "string" ? name : `claims[${i}]` };
      let shape = c;
      const owner = (c as { owner?: unknown })?.owner;
      if (owner && typeof owner === "object" && "groups" in owner) {
        // A claim naming its own groups is how identities were forged: say where groups come from now.
        issues.add({ ...where, field: "owner.groups", rule: "not accepted: a claim names only owner.user; groups come from the admin directory (ocdp:access.groups)" });
        const { groups: _, ...rest } = owner as Record<string, unknown>;
        shape = { ...(c as object), owner: rest };
      }
      const found = check(claimSchema, shape, where);
      for (const x of found) issues.add(x);
      if (!found.length) shaped.push(c as Claim);
    });
    // Who filed each well-formed claim, judged by the directory in the same run: a malformed claim
    // elsewhere in the stack must not hide another's unknown owner or foreign workspace until next time.
    if (!accessIssues.length) {
      const dir = new Directory(access as Access);
      const byId = new Map((templates as Template[]).map((t) => [t?.id, t]));
      for (const c of shaped) {
        const t = byId.get(c.templateId);
        if (t?.bindings && typeof t.bindings === "object") ownerIssues(dir, t, c, { stack, claim: c.name, template: t.id }).forEach((x) => issues.add(x));
      }
    }
    const names = claims.map((c) => (c as Claim)?.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) issues.add({ stack, claim: String(n), field: "name", rule: "duplicate claim name in this stack" });
    });
  }
  sourceCredentialProblems(stack, values.sourceCredentials).forEach((x) => issues.add(x));
  issues.throwIfAny();
  const sourceUrls = credentialUrls(values.sourceCredentials);
  return {
    stack,
    templates: templates as Template[],
    cluster: cluster as Cluster,
    policy: policy as Policy,
    access: access as Access,
    claims: claims as Claim[],
    ...(Object.keys(sourceUrls).length ? { sourceUrls } : {}),
  };
}

export function loadStack(project: Project, stack: string): StackConfig {
  return fromConfigValues(stack, loadStackValues(project, stack));
}
