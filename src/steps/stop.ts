// A stopped claim (`state: stopped`): a pure function of the claim, in both executors (the finishing
// step). What makes pods makes none; everything that holds the claim's data or address stays:
//   Deployment, ReplicaSet, StatefulSet, ReplicationController   spec.replicas: 0
//   CronJob                                                      spec.suspend: true
//   DaemonSet, Pod, Job                                          refused: nothing stops them but deletion
//   PersistentVolumeClaim, Service, Secret, ConfigMap, others   as they are (same volume, same nodePort)
// Kinds are matched by API group too: a custom resource named Deployment is not a workload (./pods.ts).
// Starting the claim again is the render of a running claim: nothing here is kept from the stop.
import { GuardViolation } from "./guards";
import { groupOf, type KObject } from "./objects";

const SCALED: Record<string, string> = { Deployment: "apps", ReplicaSet: "apps", StatefulSet: "apps", ReplicationController: "" };
const SUSPENDED: Record<string, string> = { CronJob: "batch" };
const UNSTOPPABLE: Record<string, string> = { DaemonSet: "apps", Pod: "", Job: "batch" };

const is = (table: Record<string, string>, o: KObject) => table[o.kind] !== undefined && table[o.kind] === groupOf(o.apiVersion ?? "");

/** Why an object cannot be stopped, or undefined when it can (or needs nothing). */
export function unstoppable(o: KObject): string | undefined {
  if (!is(UNSTOPPABLE, o)) return undefined;
  return `a ${o.kind} cannot be stopped (${o.kind === "DaemonSet" ? "it runs a pod on every node" : o.kind === "Job" ? "it runs to completion" : "a bare Pod has no replicas"}); only a claim without one can be stopped`;
}

/** The object as a stopped claim has it: a copy, or the object itself when stopping leaves it alone. Throws GuardViolation. */
export function stopObject(o: KObject): KObject {
  const why = unstoppable(o);
  if (why) throw new GuardViolation(`${o.kind} ${o.metadata?.name}`, why);
  if (is(SCALED, o)) return { ...o, spec: { ...(o.spec as object), replicas: 0 } };
  if (is(SUSPENDED, o)) return { ...o, spec: { ...(o.spec as object), suspend: true } };
  return o;
}
