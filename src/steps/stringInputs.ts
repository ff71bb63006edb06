// String inputs typed back after kustomize, in a module of its own with a small import graph: the post-renderer process loads it at every start.
import type { UserInput } from "../catalog/userInputs";
import { getField, setField } from "./fieldPath";
import type { KObject } from "./objects";

/**
 * kustomize drops the string tag of a value that a replacement creates (`cpu: "2"` arrives as `cpu: 2`).
 * The declared targets of string inputs get their type back; ints and booleans are left as they are.
 */
export function restoreStringInputs(rc: { inputs: UserInput[] }, objects: KObject[]): KObject[] {
  for (const o of objects) restoreStringInputsIn(rc.inputs, o);
  return objects;
}

/**
 * The same for one object (in place): what the finishing step runs on each object (./finish.ts), so
 * that a Kustomize-only claim (kustomize.v2.Directory, no post-renderer) gets its string inputs back too.
 */
export function restoreStringInputsIn(inputs: UserInput[], o: KObject): KObject {
  for (const input of inputs.filter((i) => i.type === "string")) {
    for (const t of input.targets) {
      if (o.kind !== t.kind || (t.name && !o.metadata?.name?.endsWith(t.name))) continue;
      const v = getField(o, t.fieldPath);
      if (typeof v === "number" || typeof v === "boolean") setField(o, t.fieldPath, String(v));
    }
  }
  return o;
}
