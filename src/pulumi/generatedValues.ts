// The one place a generated value's placeholder becomes the value applied (steps/derived.ts): a
// `transforms` callback on the Chart of a claim whose render holds placeholders, so the post-renderer,
// the render cache and the staged claim never hold the value, and Pulumi keeps it as a secret. Only
// such claims get the callback: each child of a Chart with a transform is a round trip to this program.
import * as pulumi from "@pulumi/pulumi";
import { fillText } from "../steps/derived";

// A secret in a transform's properties: an Output (this SDK), or the wire form of older ones.
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
type Wrapped = { [SIG]: string; value: unknown };
const isWrapped = (v: unknown): v is Wrapped => !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET;

/**
 * A child's properties with every placeholder filled (a Secret's data decoded first). Each filled value
 * is a secret, so Pulumi's state and diffs hold it encrypted and masked, whatever its kind. Secret
 * values arrive as Outputs: filled inside them, they stay Outputs.
 */
export function fillProps(props: Record<string, unknown>, seed: string, scope: string): Record<string, unknown> {
  const walk = (v: unknown, base64: boolean, inSecret: boolean): unknown => {
    if (pulumi.Output.isInstance(v)) return (v as pulumi.Output<unknown>).apply((x) => walk(x, base64, true));
    if (isWrapped(v)) return { ...v, value: walk(v.value, base64, true) };
    if (typeof v === "string") {
      const text = base64 ? Buffer.from(v, "base64").toString("utf8") : v;
      if (!text.includes("ocdp:generated:")) return v;
      const filled = fillText(text, seed, scope);
      const out = base64 ? Buffer.from(filled, "utf8").toString("base64") : filled;
      return inSecret ? out : pulumi.secret(out);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, false, inSecret));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, false, inSecret)]));
    return v;
  };
  // A Secret's data values are base64: each is decoded, filled and encoded again.
  const data = (v: unknown, inSecret: boolean): unknown => {
    if (pulumi.Output.isInstance(v)) return (v as pulumi.Output<unknown>).apply((x) => data(x, true));
    if (isWrapped(v)) return { ...v, value: data(v.value, true) };
    return v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, true, inSecret)])) : v;
  };
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, props.kind === "Secret" && k === "data" ? data(v, false) : walk(v, false, false)]));
}

/**
 * The transform of one claim's Chart. `holders`: `<kind>/<name>` of the objects whose render holds a
 * placeholder (known from the offline render); every other child is left alone.
 */
export function fillGenerated(seed: string, scope: string, holders: Set<string>): pulumi.ResourceTransform {
  return (args) => {
    if (!args.custom || !args.type.startsWith("kubernetes:")) return undefined;
    const p = args.props as { kind?: string; metadata?: { name?: string } };
    if (!holders.has(`${p.kind}/${p.metadata?.name}`)) return undefined;
    return { props: fillProps(args.props as Record<string, unknown>, seed, scope), opts: args.opts };
  };
}
