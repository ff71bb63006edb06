// A claim's state and its one-line reason, from live objects as the API server returns them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KObject } from "../../src/steps/objects";
import { claimStatus } from "../../src/cli/status/claimStatus";

const meta = (kind: string, name: string, extra: object = {}) => ({ apiVersion: "v1", kind, metadata: { name, namespace: "ws-a", generation: 1, ...extra } });
const deploy = (available: number, replicas = 1, gpus = 1): KObject => ({ ...meta("Deployment", "d"), apiVersion: "apps/v1",
  spec: { replicas, template: { spec: { containers: [{ name: "c", resources: { limits: { "nvidia.com/gpu": gpus } } }] } } },
  status: { observedGeneration: 1, availableReplicas: available } });
const pod = (status: object): KObject => ({ ...meta("Pod", "d-1"), spec: {}, status });
const event = (kind: string, name: string, reason: string, message: string): KObject => ({ ...meta("Event", `e-${reason}`), involvedObject: { kind, name }, reason, message, lastTimestamp: "2026-11-27T10:00:00Z" });
const svc: KObject = { ...meta("Service", "d"), spec: { type: "NodePort", ports: [{ port: 8080, nodePort: 31000 }] } };

const status = (objects: KObject[], events: KObject[] = [], storageClasses: KObject[] = []) =>
  claimStatus("c", "a", "ws-a", "10.0.0.1", { objects, events, storageClasses });

describe("claim status", () => {
  const cases: [string, KObject[], KObject[], KObject[], string, RegExp][] = [
    ["all replicas available", [deploy(2, 2), svc], [], [], "ready", /^2\/2 replicas available$/],
    ["nothing deployed", [], [], [], "missing", /not deployed yet/],
    ["the scheduler's reason for a pending pod", [deploy(0), pod({ conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/2 nodes are available" }] })],
      [event("Pod", "d-1", "FailedScheduling", "0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available.")], [],
      "failed", /^Pod d-1 cannot be scheduled: 0\/2 nodes are available: 2 Insufficient nvidia\.com\/gpu\./],
    ["an image that cannot be pulled", [deploy(0), pod({ containerStatuses: [{ name: "c", restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image \"nope:1\"" } } }] })], [], [],
      "failed", /^Pod d-1: container c ImagePullBackOff: Back-off pulling image "nope:1"$/],
    ["a crash loop", [deploy(0), pod({ containerStatuses: [{ name: "c", restartCount: 5, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { exitCode: 1 } } }] })], [], [],
      "failed", /container c CrashLoopBackOff/],
    ["an unbound volume", [deploy(0), { ...meta("PersistentVolumeClaim", "data"), spec: {}, status: { phase: "Pending" } }],
      [event("PersistentVolumeClaim", "data", "FailedBinding", "no persistent volumes available for this claim and no storage class is set")], [],
      "progressing", /^PersistentVolumeClaim data is Pending: no persistent volumes available/],
    ["a grown volume its StorageClass cannot expand",
      [deploy(1), { ...meta("PersistentVolumeClaim", "data"), spec: { storageClassName: "local-path", resources: { requests: { storage: "60Gi" } } }, status: { phase: "Bound", capacity: { storage: "50Gi" } } }],
      [], [{ ...meta("StorageClass", "local-path") } as KObject],
      "failed", /^PersistentVolumeClaim data asks for 60Gi but has 50Gi: StorageClass local-path cannot expand volumes/],
    ["a volume larger than asked for (a bigger PV bound) is fine",
      [deploy(1), { ...meta("PersistentVolumeClaim", "data"), spec: { storageClassName: "local-path", resources: { requests: { storage: "10Gi" } } }, status: { phase: "Bound", capacity: { storage: "200Gi" } } }],
      [], [{ ...meta("StorageClass", "local-path") } as KObject], "ready", /^1\/1 replicas available$/],
    ["a rollout under way", [deploy(1, 2)], [], [], "progressing", /^Deployment d: 1\/2 replicas available$/],
  ];
  for (const [what, objects, events, classes, state, reason] of cases) {
    it(what, () => {
      const s = status(objects, events, classes);
      assert.equal(s.state, state, s.reason);
      assert.match(s.reason, reason);
    });
  }
  it("reports the endpoint and the GPUs", () => {
    const s = status([deploy(2, 2, 1), svc]);
    assert.equal(s.gpus, 2);
    assert.equal(s.endpoints[0].url, "http://10.0.0.1:31000");
  });
});

describe("claim status: a pod waiting on an object that does not exist", () => {
  const podReading = (secret: string): KObject => ({ ...meta("Pod", "d-1"),
    spec: { containers: [{ name: "code-server", env: [{ name: "PASSWORD", valueFrom: { secretKeyRef: { name: secret, key: "password" } } }] }] },
    status: { conditions: [{ type: "Ready", status: "True" }] } });
  const withPresent = (objects: KObject[], present: string[]) => claimStatus("c", "a", "ws-a", "10.0.0.1", { objects, events: [], storageClasses: [], present: new Set(present) });
  it("is failed, as a kubelet would say it, even when the (local) cluster ran the pod", () => {
    const s = withPresent([deploy(1), podReading("cs-k")], ["ServiceAccount/default"]);
    assert.equal(s.state, "failed");
    assert.equal(s.reason, "Pod d-1: waiting: Secret cs-k not found (container code-server env PASSWORD)");
  });
  it("is ready once the object exists", () => {
    assert.equal(withPresent([deploy(1), podReading("cs-k")], ["Secret/cs-k"]).state, "ready");
  });
});

describe("a stopped claim's status", () => {
  const stopped = (objects: KObject[]) => claimStatus("c", "a", "ws-a", "10.0.0.1", { objects, events: [], storageClasses: [] }, true);
  it("scaled to zero, no pods: stopped, no GPUs, its address kept", () => {
    const s = stopped([deploy(0, 0), svc]);
    assert.equal(s.state, "stopped");
    assert.equal(s.gpus, 0);
    assert.equal(s.endpoints[0]?.url, "http://10.0.0.1:31000");
    assert.match(s.reason, /^stopped: no pods; its volumes, Secrets and address are kept/);
  });
  it("stopped in the file, still running in the cluster: not applied yet", () => {
    const s = stopped([deploy(1, 1), svc]);
    assert.equal(s.state, "progressing");
    assert.equal(s.reason, "stopped in the stack file, not yet in the cluster: Deployment d has 1 replicas (pulumi up)");
  });
  it("scaled to zero, a pod still terminating: stopping", () => {
    assert.equal(stopped([deploy(0, 0), pod({})]).reason, "stopping: 1 pod(s) still terminating");
  });
});
