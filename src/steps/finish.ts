// The per-object finishing step, one function for both executors: string inputs typed back, the
// environment overlay, then the guard. `ocdp render` runs it over a claim's objects (every violation of
// the claim reported at once); the Pulumi program runs it on each Chart/Directory child as a transform.
import type { UserInput } from "../catalog/userInputs";
import type { Overlay } from "../config/types";
import { type GuardContext, GuardViolation, guard } from "./guards";
import type { KObject } from "./objects";
import { applyOverlay } from "./overlay";
import { restoreStringInputsIn } from "./stringInputs";

export interface FinishContext {
  overlay: Overlay;
  guard: GuardContext;
  /** The claim's inputs: string inputs that kustomize turned into numbers get their type back. */
  inputs?: UserInput[];
}

/** One object finished; the input is not changed. Throws GuardViolation. */
export function finishObject(o: KObject, ctx: FinishContext): KObject {
  const typed = ctx.inputs ? restoreStringInputsIn(ctx.inputs, structuredClone(o)) : o;
  return guard(applyOverlay(typed, ctx.overlay), ctx.guard) as KObject;
}

/** Every object of a claim finished; the guard's violations collected, not thrown one by one. */
export function finishObjects(objects: KObject[], ctx: FinishContext): { objects: KObject[]; violations: string[] } {
  const out: KObject[] = [];
  const violations: string[] = [];
  for (const o of objects) {
    try {
      out.push(finishObject(o, ctx));
    } catch (e) {
      if (!(e instanceof GuardViolation)) throw e;
      violations.push(e.message);
    }
  }
  return { objects: out, violations };
}
