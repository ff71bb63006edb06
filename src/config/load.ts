// Reads Pulumi.yaml and stacks/Pulumi.<stack>.yaml the way Pulumi does (project config under `config:`
// with `value:`, stack config overriding it) and checks them against the schemas. The Pulumi program
// hands in the values from `pulumi.Config` instead of files: see `fromConfigValues`.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { IssueList, shown, UsageError, ValidationError } from "./errors";
import { checkDirectory, mergeAccess } from "./access";
import { accessSchema, claimSchema, clusterSchema, policySchema, templateSchema } from "./schema";
import type { Access, Claim, Cluster, Policy, StackConfig, Template } from "./types";
import { check } from "./validate";
import { parseConfigYaml } from "./yamlFile";

export const NS = "ocdp";

export interface Project {
  root: string;
  name: string;
  stackConfigDir: string;
  /** Project-level config values (`ocdp:templates` etc.), keys without the namespace. */
  config: Record<string, unknown>;
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

function readYaml(path: string): unknown {
  return parseYamlText(readFileSync(path, "utf8"), path);
}

/** A config document's text; `where` names it in the error. */
export function parseYamlText(text: string, where: string): unknown {
  try {
    return parseConfigYaml(text);
  } catch (e) {
    throw new ValidationError([{ field: where, rule: `not valid YAML: ${(e as Error).message.split("\n")[0]}` }]);
  }
}

/** `ocdp:key` entries of a Pulumi config block, unwrapping project-level `{ value: ... }`. */
function ocdpKeys(block: unknown, project: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!block || typeof block !== "object") return out;
  for (const [k, v] of Object.entries(block as Record<string, unknown>)) {
    if (!k.startsWith(`${NS}:`)) continue;
    const unwrapped = project && v && typeof v === "object" && !Array.isArray(v) && "value" in v ? (v as { value: unknown }).value : v;
    out[k.slice(NS.length + 1)] = unwrapped;
  }
  return out;
}

export function loadProject(root = findProjectRoot()): Project {
  return projectOf(root, readYaml(join(root, "Pulumi.yaml")));
}

/** The project described by a parsed Pulumi.yaml. */
export function projectOf(root: string, parsed: unknown): Project {
  const doc = parsed as Record<string, unknown>;
  return {
    root,
    name: String(doc?.name ?? NS),
    stackConfigDir: String(doc?.stackConfigDir ?? "."),
    config: ocdpKeys(doc?.config, true),
  };
}

export function stackFile(project: Project, stack: string): string {
  return join(project.root, project.stackConfigDir, `Pulumi.${stack}.yaml`);
}

/** Raw `ocdp:*` values of a stack: the project's, overridden by the stack file's. */
export function loadStackValues(project: Project, stack: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new ValidationError([{ field: "--stack", rule: `not a stack name: ${shown(stack)}` }]);
  const file = stackFile(project, stack);
  if (!existsSync(file)) throw new ValidationError([{ stack, field: "--stack", rule: `no such stack: ${relative(project.root, file)} does not exist` }]);
  return stackValuesOf(project, readYaml(file));
}

/** Raw `ocdp:*` values from a parsed stack file: the project's, overridden by the stack's, access a union. */
export function stackValuesOf(project: Project, parsed: unknown): Record<string, unknown> {
  const doc = parsed as Record<string, unknown>;
  const own = ocdpKeys(doc?.config, false);
  const merged = { ...project.config, ...own };
  if ("access" in own) merged.access = mergeAccess(project.config.access, own.access);
  return merged;
}

/** Templates may be a list or a map keyed by id. */
function templateList(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  if (raw && typeof raw === "object") return Object.entries(raw).map(([id, t]) => ({ ...(t as object), id }));
  return [];
}

/**
 * Every `ocdp:` key a stack may set. Anything else is refused rather than ignored: a misspelt
 * `ocdp:claim` read as "no claims" would let `pulumi up` delete every workload of the stack.
 */
export const KNOWN_KEYS = ["templates", "cluster", "policy", "access", "claims", "kubeconfig", "registryCredentials"];

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
      for (const x of check(claimSchema, shape, where)) issues.add(x);
    });
    const names = claims.map((c) => (c as Claim)?.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) issues.add({ stack, claim: String(n), field: "name", rule: "duplicate claim name in this stack" });
    });
  }
  issues.throwIfAny();
  return {
    stack,
    templates: templates as Template[],
    cluster: cluster as Cluster,
    policy: policy as Policy,
    access: access as Access,
    claims: claims as Claim[],
  };
}

export function loadStack(project: Project, stack: string): StackConfig {
  return fromConfigValues(stack, loadStackValues(project, stack));
}
