// Pulumi's mock runtime, with the stack's config taken from the real Pulumi.yaml + stacks/ files, written
// (after a test's change) where the program reads its stack file.
import * as pulumi from "@pulumi/pulumi";
import yaml from "js-yaml";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The transforms the resource was registered with, in order (as the engine would call them). */
  transforms: pulumi.ResourceTransform[];
}

/**
 * The mock monitor runs no callback server, so the SDK refuses `transforms`. In their place: a callback
 * server that keeps each transform function, and a look at every registration to see which it carries.
 * Test-side only: the program registers its transforms exactly as it does on the real engine.
 */
function recordTransforms(): (type: string, name: string) => pulumi.ResourceTransform[] {
  const { Callback } = require("@pulumi/pulumi/proto/callback_pb");
  const store = require("@pulumi/pulumi/runtime/state").getStore();
  const byToken = new Map<string, pulumi.ResourceTransform>();
  store.supportsTransforms = true;
  store.callbacks = {
    awaitStackRegistrations: async () => {},
    registerTransform: async (t: pulumi.ResourceTransform) => {
      const token = `transform-${byToken.size}`;
      byToken.set(token, t);
      const cb = new Callback();
      cb.setTarget("mock");
      cb.setToken(token);
      return cb;
    },
  };
  const seen = new Map<string, pulumi.ResourceTransform[]>();
  const monitor = (pulumi.runtime as unknown as { getMonitor(): { registerResource(req: any, cb: unknown): unknown } }).getMonitor(); // eslint-disable-line @typescript-eslint/no-explicit-any
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    seen.set(`${req.getType()}::${req.getName()}`, req.getTransformsList().map((c: { getToken(): string }) => byToken.get(c.getToken())!));
    return register(req, cb);
  };
  return (type, name) => seen.get(`${type}::${name}`) ?? [];
}

/**
 * A scratch project (the checkout's files linked, `stacks/` real) whose stack file holds the config after
 * `mutate`; the program reads that file, and Pulumi's mock config is the same values, unless
 * `pulumiSees` changes what Pulumi hands the program (a second reader gone astray).
 */
export function mockStack(stack: string, mutate: (config: Record<string, unknown>) => void = () => {}, secretKeys: string[] = [],
  pulumiSees: (config: Record<string, unknown>) => void = () => {}): Registered[] {
  const registered: Registered[] = [];
  const project = yaml.load(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { value: unknown }> };
  const stackDoc = yaml.load(readFileSync(join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  // As Pulumi does: project-level values, each replaced whole by the stack's own.
  const config: Record<string, unknown> = { "ocdp:templates": project.config["ocdp:templates"].value, "ocdp:access": project.config["ocdp:access"].value, ...stackDoc.config };
  mutate(config);
  const dir = tempDir("ocdp-mock-");
  for (const f of readdirSync(ROOT)) if (f !== "stacks" && f !== ".ocdp" && f !== ".git") symlinkSync(join(ROOT, f), join(dir, f));
  mkdirSync(join(dir, "stacks"));
  writeFileSync(join(dir, "stacks", `Pulumi.${stack}.yaml`), yaml.dump({ config }, { noRefs: true }));
  process.chdir(dir);
  const seen = structuredClone(config);
  pulumiSees(seen);
  // The whole config replaced, not added to: a key an earlier test set must not leak into this one.
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])), secretKeys);
  let transformsOf: (type: string, name: string) => pulumi.ResourceTransform[] = () => [];
  pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, transforms: transformsOf(args.type, args.name) });
      // Chart v4 and Directory v2 report their children as `resources`; under mocks they have none.
      const packaged = args.type === "kubernetes:helm.sh/v4:Chart" || args.type === "kubernetes:kustomize/v2:Directory";
      return { id: `${args.name}-id`, state: packaged ? { ...args.inputs, resources: [] } : args.inputs };
    },
    call: (args) => args.inputs,
  }, "ocdp", stack, true);
  transformsOf = recordTransforms();
  return registered;
}
