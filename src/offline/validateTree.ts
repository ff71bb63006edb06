// `ocdp validate` / `make validate`: the manifests tree checked as a user of it would be let down.
// 1. every test overlay under presets/tests/kustomize builds; 2. Git bases expose nothing (ClusterIP);
// 3. every template's preset renders with its defaults and with probe values, and each input reaches
// every target it declares; 4. no fixed nodePort anywhere.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import yaml from "js-yaml";
import { resolveClaim, resolveTemplate } from "../catalog/resolve";
import type { UserInput } from "../catalog/userInputs";
import { formatIssue, IssueList } from "../config/errors";
import type { Claim, StackConfig, Template } from "../config/types";
import { getField } from "../steps/fieldPath";
import { kustomizeBuild } from "./kustomize";
import { type KObject, parseObjects } from "../steps/objects";
import { type RenderContext, renderClaim } from "./pipeline";

export interface Finding {
  where: string;
  problem: string;
}

export interface ValidateReport {
  checked: string[];
  findings: Finding[];
}

function fixedNodePorts(objs: KObject[]): string[] {
  return objs.filter((o) => o.kind === "Service").flatMap((o) =>
    ((o.spec as { ports?: { nodePort?: number }[] })?.ports ?? []).filter((p) => p.nodePort !== undefined)
      .map((p) => `Service ${o.metadata.name} fixes nodePort ${p.nodePort}`));
}

function subdirs(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name)).sort() : [];
}

/** A value other than the default that the input accepts, so that a render proves the input arrives. */
export function probeValue(i: UserInput): unknown {
  if (i.example !== undefined) return i.example;
  if (i.enum?.length) return i.enum.find((e) => e !== i.default) ?? i.enum[0];
  if (i.type === "boolean") return !i.default;
  if (i.type === "integer" || i.type === "number") {
    const d = Number(i.default ?? i.minimum ?? 0);
    if (i.maximum === undefined || d + 1 <= i.maximum) return d + 1;
    if (i.minimum === undefined || d - 1 >= i.minimum) return d - 1;
    return d;
  }
  return i.default;
}

function setDotted(values: Record<string, unknown>, name: string, v: unknown): void {
  const segs = name.split(".");
  let o = values;
  for (const s of segs.slice(0, -1)) o = (o[s] ??= {}) as Record<string, unknown>;
  o[segs[segs.length - 1]] = v;
}

async function checkTemplate(t: Template, ctx: RenderContext, report: ValidateReport): Promise<void> {
  const where = `template ${t.id} (preset ${t.source.preset.path})`;
  const issues = new IssueList();
  const rt = await resolveTemplate(t, "validate", ctx, issues);
  if (!rt) {
    issues.items.forEach((i) => report.findings.push({ where, problem: formatIssue(i) }));
    return;
  }
  const { config, owner } = probeConfig(t);
  const probes: Record<string, unknown> = {};
  for (const i of rt.inputs) setDotted(probes, i.name, probeValue(i));
  for (const [label, values] of [["defaults", {}], ["probe values", probes]] as const) {
    const claim: Claim = { name: `validate-${t.id}`.slice(0, 53), templateId: t.id, workspaceId: "validate", owner, values: structuredClone(values) };
    const claimIssues = new IssueList();
    const rc = resolveClaim(config, rt, claim, ctx, claimIssues);
    if (!rc) {
      claimIssues.items.forEach((i) => report.findings.push({ where: `${where} with ${label}`, problem: formatIssue(i) }));
      continue;
    }
    let objects: KObject[];
    try {
      objects = (await renderClaim(rc, ctx)).objects;
    } catch (e) {
      report.findings.push({ where: `${where} with ${label}`, problem: (e as Error).message });
      continue;
    }
    report.checked.push(`${where} with ${label}: ${objects.length} objects`);
    fixedNodePorts(objects).forEach((p) => report.findings.push({ where, problem: p }));
    if (label !== "probe values") continue;
    for (const i of rt.inputs) {
      const want = probeValue(i);
      for (const target of i.targets) {
        const hits = objects.filter((o) => o.kind === target.kind && (!target.name || o.metadata.name.endsWith(target.name)));
        if (hits.length === 0) {
          report.findings.push({ where, problem: `input ${i.name}: no ${target.kind} in the render for target ${target.fieldPath}` });
        }
        for (const o of hits) {
          const got = getField(o, target.fieldPath);
          if (got !== want) {
            report.findings.push({ where, problem: `input ${i.name} does not reach ${target.kind}/${o.metadata.name} ${target.fieldPath}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}` });
          }
        }
      }
    }
  }
}

/**
 * A stack in which a probe claim of `t` may be filed: its owner bound the way the template allows (fail
 * closed: a template that binds nobody is reported), in a workspace of its own.
 */
function probeConfig(t: Template): { config: StackConfig; owner: { user: string } } {
  const user = t.bindings.users?.find((u) => u !== "*") ?? "validate";
  const access = { groups: Object.fromEntries((t.bindings.groups ?? []).slice(0, 1).map((g) => [g, [user]])), workspaces: { validate: { users: [user] } } };
  return { config: { stack: "validate", templates: [t], cluster: { name: "validate", accessHost: "127.0.0.1" }, policy: {}, access, claims: [] }, owner: { user } };
}

/** The objects of a claim of `t` with its inputs' defaults, or why it does not render. */
export async function defaultRender(t: Template, ctx: RenderContext): Promise<KObject[] | string> {
  const issues = new IssueList();
  const rt = await resolveTemplate(t, "templates", ctx, issues);
  if (!rt) return issues.items.map(formatIssue).join("; ");
  const { config, owner } = probeConfig(t);
  const rc = resolveClaim(config, rt, { name: `probe-${t.id}`.slice(0, 53), templateId: t.id, workspaceId: "validate", owner, values: {} }, ctx, issues);
  if (!rc) return issues.items.map(formatIssue).join("; ");
  try {
    return (await renderClaim(rc, ctx)).objects;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function validateTree(templates: Template[], ctx: RenderContext): Promise<ValidateReport> {
  const report: ValidateReport = { checked: [], findings: [] };
  const tree = join(ctx.projectRoot, "presets");
  const rel = (p: string) => relative(ctx.projectRoot, p);

  for (const dir of subdirs(join(tree, "tests", "kustomize"))) {
    try {
      const objs = parseObjects(await kustomizeBuild(dir, ctx.projectRoot));
      if (objs.length === 0) report.findings.push({ where: rel(dir), problem: "builds no objects" });
      fixedNodePorts(objs).forEach((p) => report.findings.push({ where: rel(dir), problem: p }));
      objs.filter((o) => o.kind === "Values").forEach(() => report.findings.push({ where: rel(dir), problem: "the Values object leaked into the output (missing local-config annotation?)" }));
      report.checked.push(`${rel(dir)}: ${objs.length} objects`);
    } catch (e) {
      report.findings.push({ where: rel(dir), problem: `kustomize build failed: ${(e as Error).message}` });
    }
  }

  for (const app of subdirs(join(tree, "apps"))) {
    const base = join(app, "base");
    const k = join(base, "kustomization.yaml");
    if (!existsSync(k) || (yaml.load(readFileSync(k, "utf8")) as { kind?: string })?.kind === "Component") continue;
    try {
      const objs = parseObjects(await kustomizeBuild(base, ctx.projectRoot));
      for (const s of objs.filter((o) => o.kind === "Service")) {
        const type = (s.spec as { type?: string })?.type ?? "ClusterIP";
        if (type !== "ClusterIP") report.findings.push({ where: rel(base), problem: `Service ${s.metadata.name} is ${type}: bases are internal (ClusterIP); expose through a component` });
      }
      report.checked.push(`${rel(base)}: ${objs.length} objects`);
    } catch (e) {
      report.findings.push({ where: rel(base), problem: `kustomize build failed: ${(e as Error).message}` });
    }
  }

  for (const t of templates) await checkTemplate(t, ctx, report);
  return report;
}
