// The usage arithmetic: what a claim's objects take, counted as the scheduler and HAMi count them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KObject } from "../../src/steps/objects";
import { bytes, formatBytes, formatMilliCpu, milliCpu } from "../../src/steps/usage/quantity";
import { claimUsage } from "../../src/steps/usage/usage";

type Limits = Record<string, string | number>;
const c = (name: string, limits: Limits, requests: Limits = {}, extra: object = {}) => ({ name, resources: { limits, requests }, ...extra });
const deploy = (containers: object[], replicas?: number, initContainers?: object[]): KObject => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" },
  spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec: { containers, ...(initContainers ? { initContainers } : {}) } } },
});
const pvc = (size: string): KObject => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "p" }, spec: { resources: { requests: { storage: size } } } });
const GI = 2 ** 30;

describe("quantities", () => {
  const cases: [string | number, number | undefined, number | undefined][] = [
    ["2", 2000, 2], [2, 2000, 2], ["500m", 500, 1], ["1.5", 1500, 2], ["0.1m", 1, 1],
    ["16384Mi", undefined, 16 * GI], ["4Gi", undefined, 4 * GI], ["1Ti", undefined, 2 ** 40], ["1G", undefined, 1e9], ["1e3", undefined, undefined], ["-1", undefined, undefined],
  ];
  for (const [q, cpu, b] of cases) {
    it(`${JSON.stringify(q)} -> ${cpu ?? "-"}m, ${b ?? "-"} bytes`, () => {
      if (cpu !== undefined) assert.equal(milliCpu(q), cpu);
      assert.equal(bytes(q), b);
    });
  }
  it("formats back exactly where it can", () => {
    assert.equal(formatMilliCpu(8000), "8");
    assert.equal(formatMilliCpu(2500), "2500m");
    assert.equal(formatBytes(96 * GI), "96Gi");
    assert.equal(formatBytes(1536 * 2 ** 20), "1.5Gi");
    assert.equal(formatBytes(1000 * 2 ** 20), "1000Mi");
    assert.equal(formatBytes(2 ** 40), "1Ti");
  });
});

describe("claim usage", () => {
  const cases: [string, KObject[], Record<string, number>, number?][] = [
    ["limits win over requests", [deploy([c("a", { cpu: "2", memory: "4Gi" }, { cpu: "1", memory: "1Gi" })])], { cpu: 2000, memory: 4 * GI }],
    ["requests when there is no limit", [deploy([c("a", {}, { cpu: "250m", memory: "512Mi" })])], { cpu: 250, memory: 512 * 2 ** 20 }],
    ["replicas multiply", [deploy([c("a", { cpu: "1", "nvidia.com/gpu": 1 })], 3)], { cpu: 3000, "nvidia.com/gpu": 3, "nvidia.com/gpucores": 300 }],
    ["replicas: 0 takes nothing", [deploy([c("a", { cpu: "1", "nvidia.com/gpu": 2 })], 0)], { cpu: 0, "nvidia.com/gpu": 0 }],
    ["gpumem and gpucores are per GPU", [deploy([c("a", { "nvidia.com/gpu": 2, "nvidia.com/gpumem": 8192, "nvidia.com/gpucores": 30 })])],
      { "nvidia.com/gpu": 2, "nvidia.com/gpumem": 16384, "nvidia.com/gpucores": 60 }],
    ["gpumem x gpus x replicas", [deploy([c("a", { "nvidia.com/gpu": 2, "nvidia.com/gpumem": 1000 })], 2)], { "nvidia.com/gpumem": 4000, "nvidia.com/gpucores": 400 }],
    ["no gpumem: the whole device (gpuDeviceMemory) per GPU", [deploy([c("a", { "nvidia.com/gpu": 2, "nvidia.com/gpumem": 0 })])], { "nvidia.com/gpumem": 2 * 40960, "nvidia.com/gpucores": 200 }],
    ["gpumem-percentage of the device", [deploy([c("a", { "nvidia.com/gpu": 1, "nvidia.com/gpumem-percentage": 25 })])], { "nvidia.com/gpumem": 10240 }],
    ["gpumem without a GPU counts nothing", [deploy([c("a", { "nvidia.com/gpumem": 4096 })])], { "nvidia.com/gpu": 0, "nvidia.com/gpumem": 0 }],
    ["containers add up", [deploy([c("a", { cpu: "1", "nvidia.com/gpu": 1 }), c("b", { cpu: "500m", "nvidia.com/gpu": 1 })])], { cpu: 1500, "nvidia.com/gpu": 2 }],
    ["a larger init container sets the pod", [deploy([c("a", { cpu: "1" })], 2, [c("init", { cpu: "3" })])], { cpu: 6000 }],
    ["a sidecar init container adds", [deploy([c("a", { cpu: "1" })], 1, [c("side", { cpu: "1" }, {}, { restartPolicy: "Always" })])], { cpu: 2000 }],
    ["PVCs add up", [pvc("30Gi"), pvc("512Mi")], { storage: 30 * GI + 512 * 2 ** 20 }],
    ["StatefulSet claim templates x replicas", [{ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s" },
      spec: { replicas: 3, template: { spec: { containers: [] } }, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "10Gi" } } } }] } }], { storage: 30 * GI }],
    ["Job parallelism", [{ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { parallelism: 4, template: { spec: { containers: [c("a", { "nvidia.com/gpu": 1 })] } } } }], { "nvidia.com/gpu": 4 }],
    ["a custom resource named Deployment in another group makes no pods: nothing counted",
      [{ ...deploy([c("a", { cpu: "1", "nvidia.com/gpu": 2 })], 3), apiVersion: "example.com/v1" }], { cpu: 0, "nvidia.com/gpu": 0 }],
  ];
  for (const [what, objects, want] of cases) {
    it(what, () => {
      const u = claimUsage("x", "ws", objects, 40960);
      assert.equal(u.amounts.claims, 1);
      for (const [k, v] of Object.entries(want)) assert.equal(u.amounts[k as keyof typeof u.amounts], v, k);
    });
  }
  it("whole GPUs without gpuDeviceMemory are uncounted, not guessed", () => {
    const u = claimUsage("x", "ws", [deploy([c("a", { "nvidia.com/gpu": 2 })], 2)]);
    assert.equal(u.amounts["nvidia.com/gpumem"], 0);
    assert.equal(u.uncountedGpus, 4);
  });
  it("names the containers that set no cpu or memory", () => {
    const u = claimUsage("x", "ws", [deploy([c("a", { cpu: "1" }), c("b", {}, { memory: "1Gi" })])]);
    assert.deepEqual(u.noCpu, ["Deployment/d:b"]);
    assert.deepEqual(u.noMemory, ["Deployment/d:a"]);
  });
});
