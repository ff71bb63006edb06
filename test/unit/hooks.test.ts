// The hook policy, table-driven: what each hook kind becomes, with the exact words of a refusal.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import yaml from "js-yaml";
import { FROM_HOOK, hookPolicy, splitHooks } from "../../src/steps/hooks";
import type { KObject } from "../../src/steps/objects";

const hook = (kind: string, events: string, extra: Record<string, string> = {}, apiVersion = "v1"): KObject =>
  ({ apiVersion, kind, metadata: { name: "x", annotations: { "helm.sh/hook": events, ...extra } } }) as KObject;
const RULE = "ocdp applies only pre-install Secrets and ConfigMaps of a chart, as ordinary objects (docs/design.md#helm-hooks-and-crds-what-each-executor-does)";

describe("hookPolicy", () => {
  // [what, object, "keep" | "drop" | the exact refusal]
  const table: [string, KObject, string][] = [
    ["a pre-install Secret", hook("Secret", "pre-install"), "keep"],
    ["a pre-install ConfigMap", hook("ConfigMap", "pre-install"), "keep"],
    ["a pre-install,pre-upgrade Secret", hook("Secret", "pre-install, pre-upgrade"), "keep"],
    ["one deleted before it is made again", hook("Secret", "pre-install", { "helm.sh/hook-delete-policy": "before-hook-creation" }), "keep"],
    ["a test Pod", hook("Pod", "test"), "drop"],
    ["a legacy test-success Pod", hook("Pod", "test-success"), "drop"],
    ["a post-install Job", hook("Job", "post-install", {}, "batch/v1"), `Job x is a Helm post-install hook: ${RULE}`],
    ["a pre-install Job", hook("Job", "pre-install", {}, "batch/v1"), `Job x is a Helm pre-install hook: ${RULE}`],
    ["a pre-upgrade Secret alone", hook("Secret", "pre-upgrade"), `Secret x is a Helm pre-upgrade hook: ${RULE}`],
    ["a pre-delete ConfigMap", hook("ConfigMap", "pre-delete"), `ConfigMap x is a Helm pre-delete hook: ${RULE}`],
    ["a Secret also run at post-delete", hook("Secret", "pre-install,post-delete"), `Secret x is a Helm pre-install,post-delete hook: it also runs at post-delete; ${RULE}`],
    ["a Secret deleted once install succeeded", hook("Secret", "pre-install", { "helm.sh/hook-delete-policy": "hook-succeeded" }),
      `Secret x is a Helm pre-install hook deleted at hook-succeeded: what reads it would lose it; ${RULE}`],
    ["a Secret of another API group", hook("Secret", "pre-install", {}, "example.com/v1"), `Secret x is a Helm pre-install hook: ${RULE}`],
  ];
  for (const [what, o, want] of table) it(what, () => assert.equal(hookPolicy(o), want));
});

describe("splitHooks", () => {
  const manifest = "---\n# Source: c/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n";
  const secret = "---\n# Source: c/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: pw\n  annotations:\n    \"helm.sh/hook\": pre-install\n    helm.sh/hook-weight: \"-1\"\ndata:\n  password: cGFzcw==\n";
  const testPod = "---\n# Source: c/templates/tests/t.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n";

  it("keeps the manifest's text as it was, and a kept hook as an ordinary object", () => {
    const s = splitHooks(manifest + secret + testPod);
    assert.equal(s.manifest, manifest, "the provider's post-renderer gets exactly this");
    assert.deepEqual(s.refused, []);
    assert.deepEqual(s.kept, [{ apiVersion: "v1", kind: "Secret", metadata: { name: "pw", annotations: { [FROM_HOOK]: "pre-install" } }, data: { password: "cGFzcw==" } }]);
  });
  it("output without hooks comes back unchanged", () => {
    assert.equal(splitHooks(manifest + manifest).manifest, manifest + manifest);
  });
  it("every refused hook is named, all at once", () => {
    const job = yaml.dump({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", annotations: { "helm.sh/hook": "post-install" } } });
    const s = splitHooks(`${manifest}---\n${job}---\n${job.replace("migrate", "cleanup").replace("post-install", "pre-delete")}`);
    assert.deepEqual(s.refused, [`Job migrate is a Helm post-install hook: ${RULE}`, `Job cleanup is a Helm pre-delete hook: ${RULE}`]);
  });
});
