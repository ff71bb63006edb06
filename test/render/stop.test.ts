// Stopping and starting a claim through `ocdp claim stop|start` on the local stack: only the claim's
// line changes and start gives the file back byte for byte; a stopped claim renders with no pods and
// the same volume and Service; its GPUs go back to the workspace, so a claim over budget fits.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { STACK_TRACE, ocdp, scratchProject } from "../helpers";

type Obj = { kind: string; metadata: { name: string }; spec?: Record<string, unknown> };
const byKind = (text: string) => Object.fromEntries((yaml.loadAll(text) as Obj[]).filter(Boolean).map((o) => [`${o.kind}/${o.metadata.name}`, o]));

describe("ocdp claim stop|start", () => {
  let dir: string;
  let file: string;
  let original: string;
  before(() => {
    dir = scratchProject();
    file = join(dir, "stacks", "Pulumi.local.yaml");
    original = readFileSync(file, "utf8");
  });

  it("stop adds one line to the claim, renders no pods with the same volume and Service; start gives back the file and the render", () => {
    const running = ocdp(dir, ["render", "--stack", "local", "--claim", "cs-alice"]);
    assert.equal(running.code, 0, running.err);
    const stop = ocdp(dir, ["claim", "stop", "--stack", "local", "--name", "cs-alice"]);
    assert.equal(stop.code, 0, stop.err);
    assert.match(stop.err, /claim cs-alice stopped in stacks\/Pulumi\.local\.yaml/);
    const now = readFileSync(file, "utf8");
    assert.deepEqual(now.split("\n").filter((l) => !original.split("\n").includes(l)), ["      state: stopped"], "one line added");
    assert.equal(now.replace("      state: stopped\n", ""), original, "nothing else moved");
    const stopped = ocdp(dir, ["render", "--stack", "local", "--claim", "cs-alice"]);
    assert.equal(stopped.code, 0, stopped.err);
    const [r, s] = [byKind(running.out), byKind(stopped.out)];
    assert.deepEqual(Object.keys(s).sort(), Object.keys(r).sort(), "the same objects");
    assert.equal((s["Deployment/cs-alice"].spec as { replicas: number }).replicas, 0);
    assert.notEqual((r["Deployment/cs-alice"].spec as { replicas?: number }).replicas, 0);
    for (const k of ["PersistentVolumeClaim/cs-alice", "Service/cs-alice"]) assert.deepEqual(s[k], r[k], `${k} as it was`);
    const start = ocdp(dir, ["claim", "start", "--stack", "local", "--name", "cs-alice"]);
    assert.equal(start.code, 0, start.err);
    assert.equal(readFileSync(file, "utf8"), original, "byte for byte");
    assert.equal(ocdp(dir, ["render", "--stack", "local", "--claim", "cs-alice"]).out, running.out);
  });

  it("a stopped claim's GPUs go back to the workspace: a claim over budget fits once another is stopped", () => {
    const doc = yaml.load(original) as { config: Record<string, { name: string; values?: unknown; state?: string }[]> };
    doc.config["ocdp:claims"].push({ name: "cs-big", templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 3, memory: 8192 } } } as never);
    writeFileSync(file, yaml.dump(doc, { noRefs: true }));
    const over = ocdp(dir, ["usage", "--stack", "local"]);
    assert.equal(over.code, 1);
    assert.match(over.out, /team-a +3\/10 +0 +5\/4 !/);
    const stop = ocdp(dir, ["claim", "stop", "--stack", "local", "--name", "cs-alice"]);
    assert.equal(stop.code, 0, stop.err);
    const fits = ocdp(dir, ["usage", "--stack", "local", "--claims"]);
    assert.equal(fits.code, 0, fits.err);
    assert.match(fits.out, /team-a +3\/10 +1 +4\/4 /, "claims and storage still count, GPUs do not");
    assert.match(fits.out, /cs-alice \(team-a, stopped\) +1 +0 +0 +0 +0 +0 +10Gi/);
    writeFileSync(file, original);
  });

  it("a claim that cannot be stopped (a DaemonSet) is refused naming the object, and nothing is written; no such claim is a usage error", () => {
    const doc = yaml.load(original) as { config: Record<string, unknown[]> };
    doc.config["ocdp:templates"] = [{ id: "with-agent", templateType: "kustomize", source: { type: "helm", chart: "test/charts/with-daemonset", version: "0.1.0", releaseName: "{{ name }}", preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } }, bindings: { users: ["alice"] } }];
    doc.config["ocdp:claims"] = [{ name: "ag", templateId: "with-agent", workspaceId: "team-a", owner: { user: "alice" } }];
    const shipped = JSON.parse(ocdp(dir, ["templates", "--stack", "local", "--json"]).out).templates as { id: string; stoppable: boolean }[];
    assert.deepEqual(shipped.map((t) => [t.id, t.stoppable]), shipped.map((t) => [t.id, true]), "the shipped templates can all be stopped");
    const withAgent = yaml.dump(doc, { noRefs: true });
    writeFileSync(file, withAgent);
    assert.equal(ocdp(dir, ["render", "--stack", "local"]).code, 0, "it renders while running");
    const templates = ocdp(dir, ["templates", "--stack", "local"]);
    assert.equal(templates.code, 0, templates.err);
    assert.match(templates.out, /^with-agent: \n  who may claim it: users alice\n  cannot be stopped: it has a DaemonSet \(ocdp claim stop refuses its claims\)$/m);
    const json = JSON.parse(ocdp(dir, ["templates", "--stack", "local", "--json"]).out);
    assert.deepEqual([json.templates[0].stoppable, json.templates[0].cannotStopBecause], [false, ["DaemonSet"]]);
    const r = ocdp(dir, ["claim", "stop", "--stack", "local", "--name", "ag"]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /stack local, claim ag, template with-agent, field objects: guards failed: DaemonSet ag-agent: a DaemonSet cannot be stopped \(it runs a pod on every node\); only a claim without one can be stopped/);
    assert.match(r.err, /nothing written to stacks\/Pulumi\.local\.yaml/);
    assert.equal(readFileSync(file, "utf8"), withAgent);
    assert.doesNotMatch(r.err, STACK_TRACE);
    const unknown = ocdp(dir, ["claim", "stop", "--stack", "local", "--name", "nobody"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no claim "nobody" in stacks\/Pulumi\.local\.yaml/);
    writeFileSync(file, original);
  });

  it("every kind that makes pods, rendered stopped (test/charts/every-workload): replicas 0, the CronJob suspended, a custom resource named Deployment untouched", () => {
    const doc = yaml.load(original) as { config: Record<string, unknown[]> };
    doc.config["ocdp:templates"] = [{ id: "every", templateType: "kustomize", source: { type: "helm", chart: "test/charts/every-workload", version: "0.1.0", releaseName: "{{ name }}", preset: { type: "kustomize", path: "packages/code-server/presets/k3s-hami" } }, bindings: { users: ["alice"] } }];
    doc.config["ocdp:claims"] = [{ name: "ev", templateId: "every", workspaceId: "team-a", owner: { user: "alice" } }];
    writeFileSync(file, yaml.dump(doc, { noRefs: true }));
    try {
      const running = byKind(ocdp(dir, ["render", "--stack", "local"]).out);
      const stop = ocdp(dir, ["claim", "stop", "--stack", "local", "--name", "ev"]);
      assert.equal(stop.code, 0, stop.err);
      const r = ocdp(dir, ["render", "--stack", "local"]);
      assert.equal(r.code, 0, r.err);
      const stopped = byKind(r.out);
      const spec = (k: string) => stopped[k].spec as Record<string, unknown>;
      for (const k of ["Deployment/ev", "StatefulSet/ev-db", "ReplicaSet/ev-rs", "ReplicationController/ev-rc"]) {
        assert.equal(spec(k).replicas, 0, k);
        assert.notEqual((running[k].spec as { replicas: number }).replicas, 0, `${k} runs before`);
      }
      assert.equal(spec("CronJob/ev-nightly").suspend, true);
      assert.equal(running["CronJob/ev-nightly"].spec?.suspend, undefined);
      assert.deepEqual(stopped["Deployment/ev-custom"], running["Deployment/ev-custom"], "example.com/v1 Deployment is no workload");
      assert.equal(spec("Deployment/ev-custom").replicas, 5);
    } finally {
      writeFileSync(file, original);
    }
  });
});
