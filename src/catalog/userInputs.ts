// userInputs.yaml: the values contract of a preset, and the claim-values JSON Schema derived from it.
// Format (documented in presets/README.md):
//   apiVersion: ocdp.io/v1alpha1
//   kind: UserInputs
//   inputs:
//     - name: gpu.count          # dotted path into the claim's `values`
//       type: integer            # integer | number | string | boolean
//       description: ...
//       default: 0               # required unless `required: true`: replacements need a value
//       required: false          # optional; an input with a default is never required
//       minimum/maximum/enum/pattern   # optional constraints
//       example: 30Gi            # optional: a valid non-default value `ocdp validate` renders
//       secret: true             # optional: never shown in a message (implied by a Secret target)
//       targets:                 # the manifest fields it reaches (checked by `ocdp validate`)
//         - {kind: Deployment, fieldPath: "spec.template.spec.containers.0.resources.limits.[nvidia.com/gpu]"}
import type { JSONSchemaType } from "ajv";
import type { Issue } from "../config/errors";
import { check } from "../config/validate";

export type InputType = "integer" | "number" | "string" | "boolean";

export interface InputTarget {
  kind: string;
  name?: string;
  fieldPath: string;
}

export interface UserInput {
  name: string;
  type: InputType;
  description: string;
  default?: string | number | boolean;
  required?: boolean;
  minimum?: number;
  maximum?: number;
  enum?: (string | number)[];
  pattern?: string;
  /** A valid non-default value; `ocdp validate` renders it to prove the input reaches its targets. */
  example?: string | number | boolean;
  /** Never shown in a message (also implied by a target of kind Secret). */
  secret?: boolean;
  targets: InputTarget[];
}

export interface UserInputs {
  apiVersion: "ocdp.io/v1alpha1";
  kind: "UserInputs";
  inputs: UserInput[];
}

const userInputsSchema: JSONSchemaType<UserInputs> = {
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "inputs"],
  properties: {
    apiVersion: { type: "string", const: "ocdp.io/v1alpha1" },
    kind: { type: "string", const: "UserInputs" },
    inputs: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "type", "description", "targets"],
        properties: {
          name: { type: "string", pattern: "^[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z][a-zA-Z0-9]*)*$" },
          type: { type: "string", enum: ["integer", "number", "string", "boolean"] },
          description: { type: "string", minLength: 1 },
          default: { type: ["string", "number", "boolean"], nullable: true } as never,
          required: { type: "boolean", nullable: true },
          minimum: { type: "number", nullable: true },
          maximum: { type: "number", nullable: true },
          enum: { type: "array", items: { type: ["string", "number"] } as never, nullable: true },
          pattern: { type: "string", nullable: true },
          example: { type: ["string", "number", "boolean"], nullable: true } as never,
          secret: { type: "boolean", nullable: true },
          targets: {
            type: "array",
            minItems: 1,
            items: {
              type: "object",
              additionalProperties: false,
              required: ["kind", "fieldPath"],
              properties: { kind: { type: "string" }, name: { type: "string", nullable: true }, fieldPath: { type: "string" } },
            },
          },
        },
      },
    },
  },
};

/** An input whose value must never appear in a message: marked `secret`, or reaching a Secret. */
export function isSecretInput(i: UserInput): boolean {
  return i.secret === true || i.targets.some((t) => t.kind === "Secret");
}

/** Structural check of a parsed userInputs.yaml; issues are located at `where`. */
export function checkUserInputs(doc: unknown, where: Omit<Issue, "field" | "rule">): Issue[] {
  const issues = check(userInputsSchema, doc, where, "userInputs");
  if (issues.length) return issues;
  const names = new Set<string>();
  for (const i of (doc as UserInputs).inputs) {
    const f = `userInputs.${i.name}`;
    if (names.has(i.name)) issues.push({ ...where, field: f, rule: "declared twice" });
    names.add(i.name);
    for (const other of names) {
      if (other !== i.name && (other.startsWith(`${i.name}.`) || i.name.startsWith(`${other}.`))) {
        issues.push({ ...where, field: f, rule: `overlaps input ${other}: one cannot be a leaf and a group` });
      }
    }
    if (!i.required && i.default === undefined) {
      // A replacement needs a source value: an input that may be left out must say what it then is.
      issues.push({ ...where, field: f, rule: "an optional input needs a default (kustomize replacements need a source value)" });
    }
    if (i.example !== undefined && check(leafSchema(i), i.example, where).length) {
      issues.push({ ...where, field: f, rule: `example ${JSON.stringify(i.example)} breaks the input's own constraints` });
    }
    if (i.default !== undefined && check(leafSchema(i), i.default, where).length) {
      issues.push({ ...where, field: f, rule: `default ${JSON.stringify(i.default)} breaks the input's own constraints` });
    }
  }
  return issues;
}

function leafSchema(i: UserInput): Record<string, unknown> {
  const s: Record<string, unknown> = { type: i.type, description: i.description };
  for (const k of ["default", "minimum", "maximum", "enum", "pattern"] as const) {
    if (i[k] !== undefined) s[k] = i[k];
  }
  return s;
}

type ObjectSchema = { type: "object"; additionalProperties: false; properties: Record<string, unknown>; required: string[]; default?: object };

/**
 * The claim-values JSON Schema: nested objects for dotted names, no unknown keys, defaults filled.
 * Groups default to `{}` so that ajv's useDefaults reaches the leaves inside them.
 */
export function valuesSchema(inputs: UserInput[]): ObjectSchema {
  const root: ObjectSchema = { type: "object", additionalProperties: false, properties: {}, required: [] };
  for (const i of inputs) {
    const segs = i.name.split(".");
    let node = root;
    const chain: ObjectSchema[] = [root];
    for (const seg of segs.slice(0, -1)) {
      node.properties[seg] ??= { type: "object", additionalProperties: false, properties: {}, required: [], default: {} };
      node = node.properties[seg] as ObjectSchema;
      chain.push(node);
    }
    node.properties[segs[segs.length - 1]] = leafSchema(i);
    if (i.required && i.default === undefined) {
      node.required.push(segs[segs.length - 1]);
      // A required leaf makes its groups required too (and their `{}` default would hide that).
      chain.slice(1).forEach((g, k) => {
        delete g.default;
        if (!chain[k].required.includes(segs[k])) chain[k].required.push(segs[k]);
      });
    }
  }
  return root;
}

/** Reads a dotted input name out of a values object. */
export function valueOf(values: Record<string, unknown>, name: string): unknown {
  return name.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), values);
}
