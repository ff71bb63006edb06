// `ocdp diff` on real git repositories made by the test, with the real helm and kustomize.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { editFile, git, gitScratchProject, ocdp, STACK_TRACE } from "../helpers";


describe("ocdp diff between git refs", () => {
  let dir: string;
  const edit = (file: string, from: string, to: string) => editFile(dir, file, from, to);
  before(() => { dir = gitScratchProject(); });

  it("no change: exit 0", () => {
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /0 of 3 claims changed/);
  });

  it("a values change: exit 3, the changed field with old and new value, other claims untouched", () => {
    edit("stacks/Pulumi.local.yaml", "gpu: {count: 1, memory: 4096, cores: 30}", "gpu: {count: 2, memory: 4096, cores: 30}");
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD", "--format", "json"]);
    assert.equal(r.code, 3, r.err);
    const d = JSON.parse(r.out);
    const cs = d.claims.find((c: { claim: string }) => c.claim === "cs-alice");
    assert.equal(cs.status, "changed");
    const f = cs.objects[0].fields.find((x: { path: string }) => x.path.endsWith("limits.[nvidia.com/gpu]"));
    assert.deepEqual([f.old, f.new], [1, 2]);
    assert.deepEqual(d.claims.filter((c: { status: string; template: string }) => c.status === "unchanged" && c.template !== "(quota)").map((c: { claim: string }) => c.claim).sort(), ["gateway", "vllm-qwen"]);
    git(dir, "commit", "-qam", "two gpus");
  });

  it("a preset change reaches every claim of its template; --head compares two commits", () => {
    edit("presets/packages/vllm-server/presets/k3s-hami/kustomization.yaml", "value: local-path", "value: nvme");
    git(dir, "commit", "-qam", "nvme");
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD~1", "--head", "HEAD"]);
    assert.equal(r.code, 3, r.err);
    assert.match(r.out, /claim vllm-qwen: changed\n  ~ v1\/PersistentVolumeClaim\/ws-team-a\/vllm-qwen-vllm-server-cache\n      spec.storageClassName: "local-path" -> "nvme"/);
    assert.doesNotMatch(r.out, /claim cs-alice/);
  });

  it("a removed claim: its PVC flagged as data-bearing", () => {
    const f = join(dir, "stacks/Pulumi.local.yaml");
    const text = readFileSync(f, "utf8");
    writeFileSync(f, text.slice(0, text.indexOf("    - name: vllm-qwen")) + text.slice(text.indexOf("    - name: gateway")));
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD", "--format", "markdown"]);
    assert.equal(r.code, 3, r.err);
    assert.match(r.out, /\| vllm-qwen \| removed \| 0 \| 0 \| 3 \| :warning: 1 \|/);
    assert.match(r.out, /- v1\/PersistentVolumeClaim\/ws-team-a\/vllm-qwen-vllm-server-cache {2}\[DATA/);
    git(dir, "checkout", "--", "stacks/Pulumi.local.yaml");
  });

  it("a claim that fails at head only: exit 1 with its error", () => {
    edit("stacks/Pulumi.local.yaml", "cache: {size: 20Gi}", "cache: {size: 20GB}");
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]);
    assert.equal(r.code, 1);
    assert.match(r.out, /claim vllm-qwen: failed\n {2}render failed at head: .*field values.cache.size: must match pattern/);
    git(dir, "checkout", "--", "stacks/Pulumi.local.yaml");
  });

  it("a Secret change is reported without its values", () => {
    const secret = (v: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-password\n  namespace: {{ .Release.Namespace }}\nstringData:\n  password: ${v}\n`;
    writeFileSync(join(dir, "charts/code-server/templates/secret.yaml"), secret("hunter2-old"));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "password");
    writeFileSync(join(dir, "charts/code-server/templates/secret.yaml"), secret("hunter2-new"));
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]);
    assert.equal(r.code, 3, r.err);
    assert.match(r.out, /~ v1\/Secret\/ws-team-a\/cs-alice-password\n\s+stringData.password: "\(secret value\)" -> "\(secret value\)"/);
    assert.doesNotMatch(r.out, /hunter2/);
    git(dir, "checkout", "--", "charts/code-server/templates/secret.yaml");
  });

  it("a stopped claim: the diff says so, and its workspace's GPUs and running and stopped claims, base to head", () => {
    const stop = ocdp(dir, ["claim", "stop", "--stack", "local", "--name", "cs-alice"]);
    assert.equal(stop.code, 0, stop.err);
    try {
      const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]);
      assert.equal(r.code, 3, r.err);
      assert.match(r.out, /^claim cs-alice: changed \(stops: its pods go, its GPUs return to the workspace\)$/m);
      assert.match(r.out, /^ +spec\.replicas: 1 -> 0$/m);
      assert.match(r.out, /^workspace team-a: GPUs 3 → 1; claims running 2 → 1, stopped 0 → 1$/m);
      assert.doesNotMatch(r.out, /^workspace team-b/m, "unchanged workspaces are not listed");
      const md = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD", "--format", "markdown"]);
      assert.match(md.out, /^\| team-a \| 3 → 1 \| 2 → 1 \| 0 → 1 \|$/m);
    } finally {
      git(dir, "checkout", "-q", "--", "stacks");
    }
  });

  it("a bad ref is invalid input", () => {
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "no-such-ref"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /git ref "no-such-ref"/);
  });

  const worktrees = () => git(dir, "worktree", "list").split("\n").length;
  const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith("ocdp-diff-")).length;

  it("a ref that looks like an option is never read as one, and nothing is left behind", () => {
    const before = [worktrees(), leftovers()];
    for (const ref of ["--output=/tmp/ocdp-pwned", "-h", "--upload-pack=touch /tmp/ocdp-pwned"]) {
      const r = ocdp(dir, ["diff", "--stack", "local", `--base=${ref}`]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /field --base: git ref ".*: not a ref \(it must not start with '-'\)/);
      const h = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD", `--head=${ref}`]);
      assert.equal(h.code, 1, h.err);
      assert.match(h.err, /field --head: git ref/);
    }
    assert.ok(!existsSync("/tmp/ocdp-pwned"));
    const bad = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD", "--head", "no-such-ref"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /git ref "no-such-ref": names no commit in this repository/);
    assert.deepEqual([worktrees(), leftovers()], before, "no worktree, no temporary folder left");
  });

  it("an unknown stack is exit 1 naming it, with no temporary path", () => {
    const r = ocdp(dir, ["diff", "--stack", "nope", "--base", "HEAD"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /stack nope, field --stack: no stack nope at HEAD or at the working tree/);
    assert.doesNotMatch(r.err, /\/tmp\/|ocdp-diff-/);
  });

  it("a stack added by the change is all claims added; removed, all removed", () => {
    cpSync(join(dir, "stacks/Pulumi.local.yaml"), join(dir, "stacks/Pulumi.fresh.yaml"));
    const r = ocdp(dir, ["diff", "--stack", "fresh", "--base", "HEAD", "--format", "json"]);
    assert.equal(r.code, 3, r.err);
    const d = JSON.parse(r.out);
    assert.deepEqual(d.exists, { base: false, head: true });
    assert.deepEqual(d.claims.filter((c: { template: string }) => c.template !== "(quota)").map((c: { claim: string; status: string }) => `${c.claim} ${c.status}`),
      ["cs-alice added", "gateway added", "vllm-qwen added"]);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "fresh stack");
    rmSync(join(dir, "stacks/Pulumi.fresh.yaml"));
    const gone = ocdp(dir, ["diff", "--stack", "fresh", "--base", "HEAD"]);
    assert.equal(gone.code, 3, gone.err);
    assert.match(gone.out, /claim cs-alice: removed/);
    git(dir, "checkout", "--", "stacks/Pulumi.fresh.yaml");
  });

  it("a claim that failed at base and renders at head shows what it now renders", () => {
    edit("stacks/Pulumi.local.yaml", "cache: {size: 20Gi}", "cache: {size: 20GB}");
    git(dir, "commit", "-qam", "broken");
    edit("stacks/Pulumi.local.yaml", "cache: {size: 20GB}", "cache: {size: 20Gi}");
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]);
    assert.equal(r.code, 3, r.err);
    assert.match(r.out, /claim vllm-qwen: changed\n {2}render failed at base: .*\n {2}\+ apps\/v1\/Deployment\/ws-team-a\/vllm-qwen-vllm-server/);
    git(dir, "commit", "-qam", "fixed");
  });

  it("a change over budget at head is exit 1, with the numbers; the quota change is shown", () => {
    edit("stacks/Pulumi.local.yaml", "budget: {nvidia.com/gpu: 4, nvidia.com/gpumem: 163840, storage: 200Gi, claims: 10}", "budget: {nvidia.com/gpu: 1, nvidia.com/gpumem: 163840, storage: 200Gi, claims: 10}");
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /over budget at head: stack local, field ocdp:policy\.workspaces\.team-a\.budget: workspace team-a: nvidia\.com\/gpu 3 > budget 1 \(cs-alice 2, vllm-qwen 1\)/);
    assert.match(r.out, /claim workspace\/team-a: changed\n {2}~ v1\/ResourceQuota\/ws-team-a\/ocdp-budget\n {6}spec\.hard\.\[requests\.nvidia\.com\/gpu\]: "4" -> "1"/);
    git(dir, "checkout", "--", "stacks/Pulumi.local.yaml");
  });
});

describe("ocdp diff sees symlinks (the render cache key follows them as Helm and Kustomize do)", () => {
  let dir: string;
  before(() => {
    dir = gitScratchProject();
    // At base the chart carries a manifest outside templates/: Helm loads it, renders nothing from it.
    mkdirSync(join(dir, "charts/code-server/extra"));
    writeFileSync(join(dir, "charts/code-server/extra/note.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-note\ndata:\n  note: linked\n");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "a file outside templates");
  });

  it("a template added as a symlink inside the chart changes its claims, with a warm cache and with an empty one", () => {
    // Warm the cache with the base render first: a key blind to links would serve it to head.
    assert.equal(ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD"]).code, 0);
    symlinkSync("../extra/note.yaml", join(dir, "charts/code-server/templates/note.yaml"));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "a template as a symlink");
    for (const cache of ["warm", "empty"]) {
      if (cache === "empty") rmSync(join(dir, ".ocdp"), { recursive: true, force: true });
      const r = ocdp(dir, ["diff", "--stack", "local", "--base", "HEAD~1", "--head", "HEAD"]);
      assert.equal(r.code, 3, `${cache}: ${r.out}${r.err}`);
      assert.match(r.out, /claim cs-alice: changed\n {2}\+ v1\/ConfigMap\/ws-team-a\/cs-alice-note/, cache);
      assert.match(r.out, /1 of 3 claims changed/, cache);
    }
  });

  it("a symlink that leaves the preset tree is refused, naming the claim, the template and the link", () => {
    symlinkSync("/etc/hostname", join(dir, "presets/packages/vllm-server/presets/k3s-hami/host.yaml"));
    try {
      const r = ocdp(dir, ["render", "--stack", "local"]);
      assert.equal(r.code, 1, r.out);
      assert.match(r.err, /claim vllm-qwen, template vllm-server, field source\.preset: reading the preset tree failed: symlink packages\/vllm-server\/presets\/k3s-hami\/host\.yaml points outside the tree/);
      assert.doesNotMatch(r.err, STACK_TRACE);
    } finally {
      rmSync(join(dir, "presets/packages/vllm-server/presets/k3s-hami/host.yaml"));
    }
  });
});
