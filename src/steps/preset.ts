// What the post-render step hands on, for both executors (`ocdp render` and `ocdp post-render --stage`):
// kustomize's objects for a claim with string inputs typed back and each workload's depends-on. Small
// import graph on purpose: the post-renderer process loads it at every start.
import type { UserInput } from "../catalog/userInputs";
import { addDependsOn } from "./dependsOn";
import type { KObject } from "./objects";
import { restoreStringInputs } from "./stringInputs";

/** The objects of a claim's post-render (in place); the caller refuses an empty result, naming the claim its way. */
export function presetStep(claim: { inputs: UserInput[]; namespace: string }, objects: KObject[]): KObject[] {
  return addDependsOn(restoreStringInputs(claim, objects), claim.namespace);
}
