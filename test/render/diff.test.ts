// `ocdp diff` on real git repositories made by the test, with the real helm and kustomize.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ocdp, scratchProject } from "../helpers";

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).trim();

describe("ocdp diff between git refs", () => {
  let dir: string;
  const edit = (file: string, from: string, to: string) => {
    const f = join(dir, file);
    const text = readFileSync(f, "utf8");
    assert.ok(text.includes(from), `${file} has ${from}`);
    writeFileSync(f, text.replace(from, to));
  };
  before(() => {
    dir = scratchProject();
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
  });

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
    assert.deepEqual(d.claims.filter((c: { status: string }) => c.status === "unchanged").map((c: { claim: string }) => c.claim).sort(), ["gateway", "vllm-qwen"]);
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

  it("a bad ref is invalid input", () => {
    const r = ocdp(dir, ["diff", "--stack", "local", "--base", "no-such-ref"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /git ref "no-such-ref"/);
  });
});
