// The render cache: same inputs -> no helm or kustomize process; any input change -> a new render.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { canonicalJson, postRenderKey, RenderCache } from "../../src/offline/cache";
import { ROOT, scratchProject, tempDir } from "../helpers";
import { stageClaim } from "../stagedClaim";

function render(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "ocdp.js"), "render", "--stack", "local", "--format", "json", ...args],
    { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } });
  const m = /\((\d+) from cache\)/.exec(r.stderr);
  return { code: r.status, err: r.stderr, out: r.stdout, hits: m ? Number(m[1]) : -1 };
}
// Tools that fail if anything starts them: a hit must not.
const NO_TOOLS = { OCDP_HELM: "/bin/false", OCDP_KUSTOMIZE: "/bin/false" };

describe("render cache", () => {
  let dir: string;
  before(() => { dir = scratchProject(); });

  it("a second render with nothing changed starts no helm or kustomize process and prints the same objects", () => {
    const first = render(dir);
    assert.equal(first.code, 0, first.err);
    assert.equal(first.hits, 0);
    const second = render(dir, [], NO_TOOLS);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.hits, 3);
    assert.deepEqual(JSON.parse(second.out), JSON.parse(first.out));
  });

  it("a changed claim value renders that claim only", () => {
    const f = join(dir, "stacks/Pulumi.local.yaml");
    writeFileSync(f, readFileSync(f, "utf8").replace("size: 20Gi", "size: 21Gi"));
    const r = render(dir);
    assert.equal(r.hits, 2);
    assert.equal(JSON.parse(r.out)["vllm-qwen"].find((o: { kind: string }) => o.kind === "PersistentVolumeClaim").spec.resources.requests.storage, "21Gi");
  });

  it("a changed preset renders every claim again", () => {
    const f = join(dir, "presets/apps/litellm/components/service-loadbalancer/kustomization.yaml");
    writeFileSync(f, `${readFileSync(f, "utf8")}# touched\n`);
    assert.equal(render(dir).hits, 0);
  });

  it("--no-cache bypasses it", () => {
    assert.equal(render(dir, ["--no-cache"]).hits, 0);
    const r = render(dir, ["--no-cache"], NO_TOOLS);
    assert.equal(r.code, 1, "with no tools, --no-cache must fail: it really renders");
  });

  it("a damaged entry is never served: it is rendered again", () => {
    const cacheDir = join(dir, ".ocdp/cache/render");
    for (const sub of readdirSync(cacheDir)) for (const f of readdirSync(join(cacheDir, sub))) writeFileSync(join(cacheDir, sub, f), '[{"kind":');
    const r = render(dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.hits, 0);
  });

  it("one cache for both executors: what ocdp render wrote serves ocdp post-render --stage, with no tool started", async () => {
    const fresh = scratchProject();
    assert.equal(render(fresh).code, 0);
    const { stage, helmOutput } = await stageClaim(fresh, "local", "cs-alice");
    const run = (input: string, env: Record<string, string>) => spawnSync(process.execPath, [join(ROOT, "bin", "ocdp.js"), "post-render", "--stage", stage],
      { cwd: fresh, encoding: "utf8", input, env: { ...process.env, ...env } });
    const served = run(helmOutput, NO_TOOLS);
    assert.equal(served.status, 0, `the render's post-render entry must serve the post-renderer: ${served.stderr}`);
    const built = run(helmOutput, { OCDP_CACHE_DIR: tempDir("ocdp-cache-") });
    assert.equal(built.status, 0, built.stderr);
    assert.equal(served.stdout, built.stdout, "the entry is what kustomize gives");
    const other = run(helmOutput.replace("cs-alice", "cs-other"), NO_TOOLS);
    assert.notEqual(other.status, 0, "different Helm output: a real kustomize run (and no tools: a failure)");
  });

  it("what ocdp post-render wrote serves it again, and ocdp render after it", async () => {
    const fresh = scratchProject();
    const { stage, helmOutput } = await stageClaim(fresh, "local", "cs-alice");
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [join(ROOT, "bin", "ocdp.js"), "post-render", "--stage", stage],
      { cwd: fresh, encoding: "utf8", input: helmOutput, env: { ...process.env, ...env } });
    const first = run({});
    assert.equal(first.status, 0, first.stderr);
    const second = run(NO_TOOLS);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    // ocdp render still runs helm (its final entry is missing), but not kustomize for cs-alice.
    const r = render(fresh, ["--claim", "cs-alice"], { OCDP_KUSTOMIZE: "/bin/false" });
    assert.equal(r.code, 0, r.err);
  });

  it("keys by values, not by the order of their keys (Pulumi's config sorts them, the stack file does not)", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }), '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]), "lists keep their order");
  });

  it("keys a post-render by Helm's text without its trailing newlines (the provider's Helm prints none)", () => {
    const doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    assert.equal(postRenderKey("s", doc), postRenderKey("s", doc.trimEnd()));
    assert.equal(postRenderKey("s", `${doc}\n\n`), postRenderKey("s", doc));
    assert.notEqual(postRenderKey("s", doc.replace("name: a", "name: b")), postRenderKey("s", doc));
    assert.notEqual(postRenderKey("t", doc), postRenderKey("s", doc), "another stage");
    assert.match(postRenderKey("s", doc), /^s-[0-9a-f]{64}$/, "the stage key, then the hash of Helm's text");
  });

  it("the post-renderer's shell front prints a hit with no Node start, the same bytes, and hands anything else to Node", async () => {
    const fresh = scratchProject();
    assert.equal(render(fresh).code, 0);
    const { stage, helmOutput } = await stageClaim(fresh, "local", "cs-alice");
    const front = (input: string, node: string, env: Record<string, string> = {}) => spawnSync("/bin/sh", [join(ROOT, "bin", "post-render.sh"), stage, node, join(ROOT, "bin", "ocdp.js")],
      { cwd: fresh, encoding: "utf8", input, env: { ...process.env, ...env } });
    const viaNode = spawnSync(process.execPath, [join(ROOT, "bin", "ocdp.js"), "post-render", "--stage", stage], { encoding: "utf8", input: helmOutput });
    assert.equal(viaNode.status, 0, viaNode.stderr);
    // The provider's Helm output has no final newline: the shell's key must still find ocdp render's entry.
    const hit = front(helmOutput.replace(/\n+$/, ""), "/bin/false");
    assert.equal(hit.status, 0, `a hit must not need Node: ${hit.stderr}`);
    assert.equal(hit.stdout, viaNode.stdout);
    // A stage written when its key file ended without a newline is still served by the front.
    writeFileSync(join(stage, "stage-key"), readFileSync(join(stage, "stage-key"), "utf8").trimEnd());
    assert.equal(front(helmOutput, "/bin/false").stdout, viaNode.stdout, "a key file without its newline");
    const changed = helmOutput.replace("cs-alice", "cs-other");
    assert.notEqual(front(changed, "/bin/false").status, 0, "a miss goes to Node (here /bin/false: a failure)");
    const miss = front(changed, process.execPath);
    assert.equal(miss.status, 0, miss.stderr);
    assert.match(miss.stdout, /name: cs-other/);
    assert.equal(front(changed, "/bin/false").stdout, miss.stdout, "the miss wrote the entry the front serves next time");
    // No sha256 tool on the PATH (only cat): Node answers.
    const bin = tempDir("ocdp-bin-");
    symlinkSync(spawnSync("/bin/sh", ["-c", "command -v cat"], { encoding: "utf8" }).stdout.trim(), join(bin, "cat"));
    assert.notEqual(front(helmOutput, "/bin/false", { PATH: bin }).status, 0, "no sum tool: not served by the front");
    assert.equal(front(helmOutput, process.execPath, { PATH: bin }).stdout, viaNode.stdout);
  });

  it("is bounded: the oldest entries are evicted", () => {
    const c = new RenderCache(tempDir("ocdp-cache-"), 2);
    for (const k of ["aa1", "aa2", "ab3"]) c.put(k.padEnd(64, "0"), []);
    assert.equal(c.evict(), 1);
    assert.equal(c.evict(), 0);
  });
});
