// The per-object finishing step, one function for both executors: string inputs typed back, the
// environment overlay, a stopped claim's scaling to zero, the guard, then the apply annotations. `ocdp render` runs it over a claim's
// objects (every violation of the claim reported at once), and so does the Helm post-renderer and the
// stage of a Directory (./finishPatches.ts): Pulumi's provider is handed finished objects.
import type { UserInput } from "../catalog/userInputs";
import type { ApplyOptions, Overlay } from "../config/types";
import { applyAnnotations } from "./applyAnnotations";
import { applyGenerated, type GeneratedLeaf } from "./generated";
import { type GuardContext, GuardViolation, guard } from "./guards";
import type { KObject } from "./objects";
import { applyOverlay } from "./overlay";
import { stopObject } from "./stop";
import { presetStep } from "./preset";
import { restoreStringInputsIn } from "./stringInputs";

export interface FinishContext {
  overlay: Overlay;
  guard: GuardContext;
  /** The claim's inputs: string inputs that kustomize turned into numbers get their type back. */
  inputs?: UserInput[];
  /** Pulumi's apply options for this cluster, as annotations (absent: none). */
  apply?: ApplyOptions;
  /** Where the chart's output holds generated values: each set to its placeholders first (./generated.ts). */
  generated?: GeneratedLeaf[];
  /** The claim is stopped: its objects make no pods (./stop.ts). */
  stopped?: boolean;
}

/** One object finished; the input is not changed. Throws GuardViolation. */
export function finishObject(o: KObject, ctx: FinishContext): KObject {
  const typed = ctx.inputs ? restoreStringInputsIn(ctx.inputs, structuredClone(o)) : o;
  const overlaid = applyOverlay(typed, ctx.overlay);
  const guarded = guard(ctx.stopped ? stopObject(overlaid as KObject) : overlaid, ctx.guard) as KObject;
  return ctx.apply ? applyAnnotations(guarded, ctx.apply) : guarded;
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

/**
 * Everything after kustomize for one claim, in order: generated values made stable, the preset step
 * (string inputs, depends-on), then each object finished. The offline executor and the post-renderer
 * call this one function; the caller refuses an empty build and reports violations its own way. Throws
 * an Error when a generated value is not where the render that found it had it.
 */
export function afterKustomize(ctx: FinishContext & { namespace: string; inputs: UserInput[] }, built: KObject[]): { objects: KObject[]; violations: string[] } {
  const stable = ctx.generated?.length ? applyGenerated(built, ctx.generated) : built;
  return finishObjects(presetStep(ctx, stable), ctx);
}
