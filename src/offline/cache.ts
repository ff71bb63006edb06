// Content-addressed render cache: a claim's final objects keyed by everything they depend on (chart
// bytes, static values, preset tree content with its symlinks (treeHash.ts) or commit, claim values, overlay, tool versions). Entries
// are written to a temporary file and renamed, so a reader never sees a partial entry; old entries
// are evicted beyond a bound.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedClaim } from "../catalog/resolve";
import type { KObject } from "../steps/objects";
import type { StageExtras } from "../steps/stage";
import { treeHash } from "../catalog/sources/treeHash";

/** Bumped when the pipeline's own logic changes what a render produces. */
const PIPELINE_VERSION = "8";
const TOOLS = "helm-3.18.6+kustomize-5.6.0";
/**
 * JSON with every object's keys sorted: a claim's values arrive in the YAML file's order through the CLI
 * and sorted through Pulumi's config, and both must find the same entries.
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
    : x));
}

/**
 * Everything a claim's post-render depends on besides Helm's output: the preset (commit or tree), the
 * claim's values and inputs, its names, and the finishing (overlay, guards, apply annotations), with
 * `extras` what the render added (kept hooks, generated values). Not the chart: Helm's output stands for it. The program writes it into the staged claim's manifest.
 */
export function stageKey(rc: ResolvedClaim, extras?: StageExtras): string {
  const preset = rc.preset.commit ? `${rc.preset.repositoryUrl}@${rc.preset.commit}` : treeHash(rc.preset.root);
  return createHash("sha256").update(canonicalJson({
    v: PIPELINE_VERSION, tools: TOOLS, preset, path: rc.preset.path, inputs: rc.inputs,
    claim: rc.claim.name, template: rc.template.id, workspace: rc.claim.workspaceId, namespace: rc.namespace, values: rc.values,
    overlay: rc.overlay, clusterScoped: rc.clusterScopedKinds, apply: rc.apply,
    ...(rc.claim.state === "stopped" ? { stopped: true } : {}),
    // The chart's kept hooks and generated values, which a Helm claim's stage carries: part of its identity.
    ...(extras?.hooks ? { hooks: extras.hooks } : {}), ...(extras?.generated?.length ? { generated: extras.generated } : {}),
  })).digest("hex");
}

/** The cache key of a claim's render: its stage's key and the chart (`chartDigest`: its bytes or folder). */
export function renderKey(rc: ResolvedClaim, chartDigest: string | undefined): string {
  return createHash("sha256").update(canonicalJson({
    stage: stageKey(rc), kube: rc.kubeVersion ?? "",
    chart: rc.helm ? { digest: chartDigest, release: rc.helm.release, values: rc.helm.values } : null,
  })).digest("hex");
}

/**
 * The key of a post-render: a stage and Helm's output -> the claim's final objects. Both executors compute it
 * the same way: `ocdp render` after its `helm template`, `ocdp post-render --stage` (and its shell front,
 * bin/post-render.sh, with one sha256sum over a here-document) from the stage and stdin. So an entry one
 * writes serves the other whenever the provider's Helm gives the same text. Trailing newlines do not count
 * (the output is hashed without them, plus the one newline a here-document ends with): the provider's Helm
 * ends its output without the one the CLI's `helm template` prints (measured on the same chart and values;
 * nothing else differs), and a shell's `$(cat)` drops them. The stage key stays readable in the key, so
 * the front needs no second hash.
 */
export function postRenderKey(stage: string, helmOutput: string): string {
  return `${stage}-${createHash("sha256").update(`${helmOutput.replace(/\n+$/, "")}\n`).digest("hex")}`;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** A JSON entry; one that does not parse (damaged by hand) reads as absent. */
function readJson<T>(file: string): T | undefined {
  const text = read(file);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}

/** Where an entry lives: `<dir>/<first two hex>/<key>.<ext>` (bin/post-render.sh reads `.yaml` entries). */
export function entryPath(dir: string, key: string, ext: "json" | "yaml" | "stage.json"): string {
  return join(dir, key.slice(0, 2), `${key}.${ext}`);
}

export class RenderCache {
  hits = 0;
  misses = 0;
  constructor(readonly dir: string, readonly maxEntries = 20_000) {}

  /** A claim's final objects; an entry that does not parse (damaged) is a miss. */
  get(key: string): KObject[] | undefined {
    return this.counted(readJson<KObject[]>(entryPath(this.dir, key, "json")));
  }

  put(key: string, objects: KObject[]): void {
    this.write(entryPath(this.dir, key, "json"), JSON.stringify(objects));
  }

  /**
   * What a claim's staged folder carries besides its inputs (a Helm claim's kept hooks and generated
   * values, a Kustomize-only claim's finishing), beside its objects; absent or damaged: it renders again.
   */
  getStage(key: string): StageExtras | undefined {
    return readJson<StageExtras>(entryPath(this.dir, key, "stage.json"));
  }

  putStage(key: string, extras: StageExtras): void {
    this.write(entryPath(this.dir, key, "stage.json"), JSON.stringify(extras));
  }

  /** A post-render's output, as the post-renderer prints it: a hit is printed as it is, no YAML work. */
  getText(key: string): string | undefined {
    return this.counted(read(entryPath(this.dir, key, "yaml")));
  }

  putText(key: string, text: string): void {
    this.write(entryPath(this.dir, key, "yaml"), text);
  }

  private counted<T>(v: T | undefined): T | undefined {
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }

  private write(file: string, text: string): void {
    mkdirSync(join(file, ".."), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file); // atomic: concurrent writers of one key write the same bytes
  }

  /** Drops the oldest entries beyond the bound (and stray temporary files). */
  evict(): number {
    if (!existsSync(this.dir)) return 0;
    const entries: { p: string; t: number }[] = [];
    for (const sub of readdirSync(this.dir)) {
      const d = join(this.dir, sub);
      if (!statSync(d).isDirectory()) continue;
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (f.endsWith(".tmp")) {
          if (Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { force: true });
          continue;
        }
        entries.push({ p, t: statSync(p).mtimeMs });
      }
    }
    if (entries.length <= this.maxEntries) return 0;
    entries.sort((a, b) => a.t - b.t);
    const drop = entries.slice(0, entries.length - this.maxEntries);
    for (const e of drop) rmSync(e.p, { force: true });
    return drop.length;
  }
}
