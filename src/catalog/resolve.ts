// Resolve and validate every claim of a stack before anything renders or registers: template exists,
// owner bound, names valid, preset found inside its tree, userInputs.yaml sound, values valid. Every
// problem is collected; one ValidationError reports them all.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { type Issue, IssueList, ValidationError } from "../config/errors";
import { DNS1123 } from "../config/schema";
import type { ApplyOptions, Claim, Cluster, Overlay, StackConfig, Template } from "../config/types";
import { holdsLogin } from "../config/sourceCredentials";
import { check } from "../config/validate";
import { substitute, substituteString, unknownPlaceholdersIn } from "./placeholders";
import type { SourceAccess } from "./sources/access";
import { type ResolvedPreset, resolvePreset } from "./sources/presets";
import { checkUserInputs, isSecretInput, type UserInput, type UserInputs, valuesSchema } from "./userInputs";

export interface HelmSpec {
  release: string;
  /** Chart name (with `repo`), oci:// reference, or absolute local path. */
  chart: string;
  repo?: string;
  version?: string;
  /** oci:// over plain HTTP. */
  plainHttp?: boolean;
  /** Static values, placeholders resolved. */
  values: Record<string, unknown>;
}

export interface ResolvedTemplate {
  template: Template;
  preset: ResolvedPreset;
  inputs: UserInput[];
  schema: object;
}

export interface ResolvedClaim {
  stack: string;
  claim: Claim;
  template: Template;
  namespace: string;
  /** Claim values with the preset's defaults filled in. */
  values: Record<string, unknown>;
  inputs: UserInput[];
  preset: ResolvedPreset;
  /** Cluster overlay with the workspace's overrides on top. */
  overlay: Overlay;
  helm?: HelmSpec;
  kubeVersion?: string;
  /** The stack's cluster-scoped custom kinds, refused by the guard. */
  clusterScopedKinds: string[];
  /** What Pulumi is told per object on this cluster (waits, timeouts), as annotations. */
  apply: ApplyOptions;
}

export interface ResolveOptions {
  projectRoot: string;
  cacheDir: string;
  /** The stack's logins to private chart and preset sources (ocdp:sourceCredentials); none: all public. */
  sources?: SourceAccess;
}

export function namespaceFor(config: StackConfig, workspaceId: string): string {
  return substituteString(config.policy.namespace ?? "ws-{{ workspaceId }}", { name: "", namespace: "", workspaceId });
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `3m` -> 180; the config schema admits `^[1-9][0-9]*(s|m|h)$` only. */
export function durationSeconds(d: string): number {
  const m = /^([1-9][0-9]*)(s|m|h)$/.exec(d);
  if (!m) throw new Error(`not a duration: ${JSON.stringify(d.slice(0, 20))}`);
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

/** The cluster's waits and timeouts as the finishing step writes them on every object. */
export function applyOptionsFor(cluster: Pick<Cluster, "skipAwait" | "timeouts">): ApplyOptions {
  const readiness = cluster.timeouts?.readiness;
  return {
    ...(cluster.skipAwait?.length ? { skipAwaitKinds: [...cluster.skipAwait] } : {}),
    ...(readiness ? { timeoutSeconds: durationSeconds(readiness) } : {}),
  };
}

export function overlayFor(config: StackConfig, workspaceId: string): Overlay {
  const { budget: _, maxRunning: __, ...workspace } = config.policy.workspaces?.[workspaceId] ?? {};
  return { ...(config.policy.overlay ?? {}), ...workspace };
}

/** The template's preset, inputs and values schema; problems are the template's, reported once. */
export async function resolveTemplate(t: Template, stack: string, opts: ResolveOptions, issues: IssueList): Promise<ResolvedTemplate | undefined> {
  const where = { stack, template: t.id };
  // A login in a URL would be printed, cached and stored wherever the URL goes.
  const urls = { repositoryUrl: t.source.repositoryUrl, chart: t.source.chart, "preset.repositoryUrl": t.source.preset?.repositoryUrl };
  const withLogin = Object.entries(urls).filter(([, u]) => u && holdsLogin(u));
  for (const [field] of withLogin) {
    issues.add({ ...where, field: `source.${field}`, rule: "must not hold a user or password: an admin keeps them in ocdp:sourceCredentials (docs/admins.md#private-sources)" });
  }
  if (withLogin.length) return undefined;
  let preset: ResolvedPreset;
  try {
    preset = await resolvePreset(opts.projectRoot, opts.cacheDir, t.source.preset, stack, opts.sources);
  } catch (e) {
    issues.add({ ...where, field: "source.preset.path", rule: (e as Error).message });
    return undefined;
  }
  const file = join(preset.dir, "userInputs.yaml");
  if (!existsSync(file)) {
    issues.add({ ...where, field: "source.preset.path", rule: `preset ${preset.path} has no userInputs.yaml` });
    return undefined;
  }
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, "utf8"));
  } catch (e) {
    issues.add({ ...where, field: "userInputs", rule: `not valid YAML: ${(e as Error).message.split("\n")[0]}` });
    return undefined;
  }
  const found = checkUserInputs(doc, where);
  found.forEach((i) => issues.add(i));
  if (found.length) return undefined;
  const inputs = (doc as UserInputs).inputs;
  const unknown = [...new Set([...unknownPlaceholdersIn(t.source.releaseName ?? ""), ...unknownPlaceholdersIn(t.source.values ?? "")])];
  if (unknown.length) issues.add({ ...where, field: "source.values", rule: `unknown placeholder(s): ${unknown.join(", ")}` });
  if (t.source.values !== undefined) {
    try {
      const v = yaml.load(t.source.values);
      if (v !== undefined && v !== null && (typeof v !== "object" || Array.isArray(v))) throw new Error("must be a YAML mapping");
    } catch (e) {
      issues.add({ ...where, field: "source.values", rule: `not a valid YAML mapping: ${(e as Error).message.split("\n")[0]}` });
    }
  }
  return { template: t, preset, inputs, schema: valuesSchema(inputs) };
}

function helmSpec(t: Template, claim: Claim, namespace: string, projectRoot: string): HelmSpec | undefined {
  const s = t.source;
  if (s.type !== "helm" || !s.chart) return undefined;
  const scope = { name: claim.name, namespace, workspaceId: claim.workspaceId };
  const parsed = (s.values ? yaml.load(s.values) : {}) as Record<string, unknown> | null;
  const values = substitute(parsed ?? {}, scope);
  const release = substituteString(s.releaseName ?? "{{ name }}", scope);
  const plain = s.plainHttp ? { plainHttp: true } : {};
  if (s.chart.startsWith("oci://")) return { release, chart: s.chart, version: s.version, values, ...plain };
  if (s.repositoryUrl?.startsWith("oci://")) {
    return { release, chart: `${s.repositoryUrl.replace(/\/$/, "")}/${s.chart}`, version: s.version, values, ...plain };
  }
  if (s.repositoryUrl) return { release, chart: s.chart, repo: s.repositoryUrl, version: s.version, values };
  return { release, chart: join(projectRoot, s.chart), version: s.version, values };
}

export function resolveClaim(config: StackConfig, rt: ResolvedTemplate, claim: Claim, opts: ResolveOptions, issues: IssueList): ResolvedClaim | undefined {
  const stack = config.stack;
  const where = { stack, claim: claim.name, template: rt.template.id };
  const before = issues.items.length;
  const namespace = namespaceFor(config, claim.workspaceId);
  if (!new RegExp(DNS1123).test(namespace) || namespace.length > 63) {
    issues.add({ ...where, field: "workspaceId", rule: `workspace namespace ${JSON.stringify(namespace)} is not a DNS-1123 label` });
  }
  // Validate a copy: defaults are filled in, the stack's own config is never mutated.
  const values = structuredClone(claim.values ?? {}) as Record<string, unknown>;
  // Values of secret inputs are never echoed; others are shown cut short (see `shown`).
  const secret = new Set(rt.inputs.filter(isSecretInput).map((i) => `values.${i.name}`));
  check(rt.schema, values, { stack, claim: claim.name }, "values", (f) => secret.has(f)).forEach((i: Issue) => issues.add(i));
  if (issues.items.length > before) return undefined;
  return {
    stack, claim, template: rt.template, namespace, values, inputs: rt.inputs, preset: rt.preset,
    overlay: overlayFor(config, claim.workspaceId),
    helm: helmSpec(rt.template, claim, namespace, opts.projectRoot),
    kubeVersion: config.cluster.kubeVersion,
    clusterScopedKinds: config.policy.clusterScopedKinds ?? [],
    apply: applyOptionsFor(config.cluster),
  };
}

/** Every claim of the stack resolved, or a ValidationError listing every problem found. */
export async function resolveStack(config: StackConfig, opts: ResolveOptions, only?: string[]): Promise<ResolvedClaim[]> {
  const { resolved, issues } = await resolveEach(config, opts, only);
  if (issues.length) throw new ValidationError(issues);
  return resolved;
}

/** Every claim resolved that can be, and every problem found (claims with problems are left out). */
export async function resolveEach(config: StackConfig, opts: ResolveOptions, only?: string[]): Promise<{ resolved: ResolvedClaim[]; issues: Issue[] }> {
  const issues = new IssueList();
  const byId = new Map(config.templates.map((t) => [t.id, t]));
  const claims = only ? config.claims.filter((c) => only.includes(c.name)) : config.claims;
  for (const name of only ?? []) {
    if (!config.claims.some((c) => c.name === name)) issues.add({ stack: config.stack, claim: name, field: "name", rule: "no such claim in this stack" });
  }
  const used = [...new Set(claims.map((c) => c.templateId))].filter((id) => byId.has(id));
  const resolved = new Map<string, ResolvedTemplate | undefined>();
  await Promise.all(used.map(async (id) => resolved.set(id, await resolveTemplate(byId.get(id)!, config.stack, opts, issues))));
  const out: ResolvedClaim[] = [];
  for (const claim of claims) {
    if (!byId.has(claim.templateId)) {
      issues.add({ stack: config.stack, claim: claim.name, field: "templateId", rule: `unknown template ${JSON.stringify(claim.templateId)} (known: ${[...byId.keys()].join(", ")})` });
      continue;
    }
    const rt = resolved.get(claim.templateId);
    if (!rt) {
      issues.add({ stack: config.stack, claim: claim.name, field: "templateId", rule: `template ${claim.templateId} is invalid (see its errors)` });
      continue;
    }
    const rc = resolveClaim(config, rt, claim, opts, issues);
    if (rc) out.push(rc);
  }
  return { resolved: out, issues: issues.items };
}
