// The embedded cluster stays healthy while it runs: kwok renews node Leases, so the node controller
// never marks nodes (or their pods) NotReady, and a rollout minutes after start completes promptly.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { tempDir } from "../helpers";
import { clusterDown, clusterUp, kubectl } from "../pulumiEnv";

const MINUTES = Number(process.env.OCDP_HEALTH_MINUTES ?? 3);
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("the local cluster left up for minutes", { timeout: (MINUTES + 5) * 60_000 }, () => {
  let dir: string;
  let kubeconfig: string;
  const get = (args: string[]): Obj => JSON.parse(kubectl(kubeconfig, [...args, "-o", "json"]).out);
  before(() => {
    dir = tempDir("ocdp-health-");
    kubeconfig = clusterUp(join(dir, ".cluster"), 2);
  });
  after(() => {
    const down = clusterDown(join(dir, ".cluster"));
    assert.equal(down.code, 0, down.err);
  });

  it(`keeps nodes and pods Ready for ${MINUTES} minutes, and then rolls out a change promptly`, async () => {
    const deploy = (value: string) => {
      const f = join(dir, "deploy.json");
      writeFileSync(f, JSON.stringify({
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
        spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx", env: [{ name: "V", value }] }] } } },
      }));
      const r = kubectl(kubeconfig, ["apply", "-f", f]);
      assert.equal(r.code, 0, r.err);
    };
    deploy("1");
    // Set-up, not the claim under test (that is the prompt rollout at the end): bounded generously for a
    // loaded CI machine, and the reason printed when it fails.
    const first = kubectl(kubeconfig, ["rollout", "status", "deployment/web", "--timeout=120s"]);
    assert.equal(first.code, 0, `first rollout: ${first.out}${first.err}${kubectl(kubeconfig, ["get", "pods,events", "-n", "default"]).out}`);
    const end = Date.now() + MINUTES * 60_000;
    let checks = 0;
    while (Date.now() < end) {
      const nodes = get(["get", "nodes"]).items;
      for (const n of nodes) {
        const ready = n.status.conditions.find((c: Obj) => c.type === "Ready");
        assert.equal(ready.status, "True", `node ${n.metadata.name} Ready after ${checks * 10} s: ${ready.reason}`);
      }
      const leases = get(["get", "leases", "-n", "kube-node-lease"]).items;
      assert.equal(leases.length, nodes.length, "a Lease per node");
      for (const l of leases) assert.ok(Date.now() - Date.parse(l.spec.renewTime) < 60_000, `lease ${l.metadata.name} renewed within a minute`);
      const pods = get(["get", "pods", "-n", "default", "-l", "app=web"]).items;
      for (const p of pods) assert.equal(p.status.conditions.find((c: Obj) => c.type === "Ready")?.status, "True", `pod ${p.metadata.name} Ready`);
      checks++;
      await new Promise((r) => setTimeout(r, 10_000));
    }
    const t0 = Date.now();
    deploy("2");
    const r = kubectl(kubeconfig, ["rollout", "status", "deployment/web", "--timeout=60s"]);
    assert.equal(r.code, 0, `rollout after ${MINUTES} minutes: ${r.out}${r.err}`);
    assert.ok(Date.now() - t0 < 30_000, `rolled out in ${Date.now() - t0} ms`);
  });
});
