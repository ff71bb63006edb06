// Pulumi's mock runtime, with the stack's config taken from the real Pulumi.yaml + stacks/ files.
import * as pulumi from "@pulumi/pulumi";
import yaml from "js-yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function mockStack(stack: string, mutate: (config: Record<string, unknown>) => void = () => {}, secretKeys: string[] = []): Registered[] {
  const registered: Registered[] = [];
  const project = yaml.load(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { value: unknown }> };
  const stackDoc = yaml.load(readFileSync(join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  // As Pulumi does: project-level values, each replaced whole by the stack's own.
  const config: Record<string, unknown> = { "ocdp:templates": project.config["ocdp:templates"].value, "ocdp:access": project.config["ocdp:access"].value, ...stackDoc.config };
  mutate(config);
  // The whole config replaced, not added to: a key an earlier test set must not leak into this one.
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])), secretKeys);
  pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      // Chart v4 and Directory v2 report their children as `resources`; under mocks they have none.
      const packaged = args.type === "kubernetes:helm.sh/v4:Chart" || args.type === "kubernetes:kustomize/v2:Directory";
      return { id: `${args.name}-id`, state: packaged ? { ...args.inputs, resources: [] } : args.inputs };
    },
    call: (args) => args.inputs,
  }, "ocdp", stack, true);
  return registered;
}
