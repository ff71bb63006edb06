// The staged claim: the one hand-off from the program to the provider (Helm's post-renderer, or
// Directory v2 for a Kustomize-only claim). After validation the program writes each claim once into a
// content-addressed folder: the kustomization
// that applies the preset (resolved: a Git preset is the export of the commit the program recorded),
// the values object, and a manifest (claim, inputs, preset commit). `ocdp post-render --stage DIR` puts
// Helm's output beside a copy of them and runs kustomize: it never loads the stack, resolves a claim or
// fetches Git, so it cannot see other config than the program did. Small import graph on purpose: the
// provider starts one post-renderer process per Chart.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { UserInput } from "../catalog/userInputs";
import { postRenderKey, RenderCache } from "./cache";
import { afterKustomize, type FinishContext } from "../steps/finish";
import { dumpObjects, parseObjects } from "../steps/objects";

export interface StageManifest {
  claim: string;
  stack: string;
  /**
   * Everything after kustomize (steps/finish afterKustomize): the claim's namespace (the one the provider
   * gives objects that have none), its inputs, overlay, guard and apply options. The post-renderer prints
   * final objects.
   */
  finish: FinishContext & { namespace: string; inputs: UserInput[] };
  presetPath: string;
  presetCommit?: string;
  /** The render cache the post-renderer shares with `ocdp render` (absent: no cache). */
  cacheDir?: string;
  /** What the post-render depends on besides Helm's output (offline/cache.ts stageKey). */
  stageKey: string;
}

const FILES = ["kustomization.yaml", "values.yaml"];
/** A Helm claim's kept hooks (steps/hooks.ts), when its chart has any. */
const HOOKS = "hooks.yaml";
const present = (dir: string) => [...FILES, ...(existsSync(join(dir, HOOKS)) ? [HOOKS] : [])];
const STAGE_NAME = /^(.*)-[0-9a-f]{16}$/;

/**
 * Writes the stage for a claim under `<root>/<stack>/<claim>-<key>` (key: hash of its contents) and
 * removes the claim's older stages. `write(dir)` puts kustomization.yaml and values.yaml into `dir`;
 * the path depth is fixed, so the kustomization's relative path to the preset holds for siblings.
 */
export function writeStagedClaim(root: string, manifest: StageManifest, write: (dir: string) => void): string {
  const parent = join(root, manifest.stack);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `${manifest.claim}.tmp-`));
  write(tmp);
  writeFileSync(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2));
  // What bin/post-render.sh needs to find a cache entry with no JSON parser: the manifest's key and cache.
  // One line each: the front reads them with the shell's own `read`.
  writeFileSync(join(tmp, "stage-key"), `${manifest.stageKey}\n`);
  if (manifest.cacheDir) writeFileSync(join(tmp, "cache-dir"), `${manifest.cacheDir}\n`);
  const h = createHash("sha256");
  for (const f of [...present(tmp), "manifest.json"]) h.update(f).update("\0").update(readFileSync(join(tmp, f))).update("\0");
  const dir = join(parent, `${manifest.claim}-${h.digest("hex").slice(0, 16)}`);
  if (existsSync(dir)) rmSync(tmp, { recursive: true, force: true });
  else renameSync(tmp, dir);
  for (const d of readdirSync(parent)) {
    if (d !== basename(dir) && STAGE_NAME.exec(d)?.[1] === manifest.claim) rmSync(join(parent, d), { recursive: true, force: true });
  }
  return dir;
}

/**
 * Helm's output through a staged claim, as the post-renderer prints it: the claim's final objects
 * (steps/finish afterKustomize), never empty. A hit in the shared cache is its text as it is.
 */
export async function postRenderText(stageDir: string, helmOutput: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(stageDir, "manifest.json"), "utf8")) as StageManifest;
  const cache = manifest.cacheDir ? new RenderCache(join(manifest.cacheDir, "render")) : undefined;
  const key = postRenderKey(manifest.stageKey, helmOutput);
  const hit = cache?.getText(key);
  if (hit !== undefined) return hit;
  // A sibling of the stage (same depth, so the relative path to the preset holds), one per call: the
  // provider runs post-renderers concurrently, and Helm's output may hold Secrets.
  const run = mkdtempSync(join(dirname(stageDir), `${basename(stageDir)}.run-`));
  try {
    for (const f of present(stageDir)) copyFileSync(join(stageDir, f), join(run, f));
    writeFileSync(join(run, "rendered.yaml"), helmOutput, { mode: 0o600 });
    let built: string;
    try {
      // Loaded on a miss only: a cache hit (every run after `ocdp render`) starts no process, so it
      // need not load the process machinery either.
      const { kustomizeBuild } = await import("./kustomize");
      built = await kustomizeBuild(run);
    } catch (e) {
      throw new Error(`claim ${manifest.claim}: kustomize build failed: ${(e as Error).message}`);
    }
    const parsed = parseObjects(built);
    // An empty render would let Helm/Pulumi plan the deletion of every object of the claim.
    if (parsed.length === 0) throw new Error(`claim ${manifest.claim}: kustomize build produced no objects`);
    const r = afterKustomize(manifest.finish, parsed);
    // The program checked the same objects before registering anything; this holds if Helm in the provider differs.
    if (r.violations.length) throw new Error(`claim ${manifest.claim}: ${r.violations.join("; ")}`);
    const text = dumpObjects(r.objects);
    cache?.putText(key, text);
    return text;
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

/** `ocdp post-render --stage DIR`: stdin -> stdout, non-zero and nothing printed on any failure. */
export async function postRenderMain(stageDir: string): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  try {
    process.stdout.write(await postRenderText(stageDir, Buffer.concat(chunks).toString("utf8")));
    return 0;
  } catch (e) {
    process.stderr.write(`error: ocdp post-render --stage ${stageDir}: ${(e as Error).message}\n`);
    return 1;
  }
}
