// The one place a generated value's placeholder becomes the value applied (steps/derived.ts): a
// `transforms` callback on the Chart of a claim whose render holds placeholders, so the post-renderer,
// the render cache and the staged claim never hold the value, and Pulumi keeps it as a secret. Only
// such claims get the callback: each child of a Chart with a transform is a round trip to this program.
import type * as pulumi from "@pulumi/pulumi";
import { fillText } from "../steps/derived";

// How a secret travels in the properties a transform is given and returns (the SDK's wire form).
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
type Wrapped = { [SIG]: string; value: unknown };
const isSecret = (v: unknown): v is Wrapped => !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG] === SECRET;
const secret = (value: unknown): Wrapped => ({ [SIG]: SECRET, value });
const MARK = "ocdp:generated:";

/**
 * Fills every placeholder in a child's properties (a Secret's data decoded first); each filled value is
 * marked secret, so Pulumi's state and diffs hold it encrypted and masked, whatever its kind.
 */
export function fillProps(props: Record<string, unknown>, seed: string, scope: string): { props: Record<string, unknown>; changed: boolean } {
  let changed = false;
  const walk = (v: unknown, base64: boolean, inSecret: boolean): unknown => {
    if (isSecret(v)) return { ...v, value: walk(v.value, base64, true) };
    if (typeof v === "string") {
      const text = base64 ? Buffer.from(v, "base64").toString("utf8") : v;
      if (!text.includes(MARK)) return v;
      changed = true;
      const filled = fillText(text, seed, scope);
      const out = base64 ? Buffer.from(filled, "utf8").toString("base64") : filled;
      return inSecret ? out : secret(out);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, false, inSecret));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, false, inSecret)]));
    return v;
  };
  const isSecretKind = props.kind === "Secret";
  const out = Object.fromEntries(Object.entries(props).map(([k, v]) => {
    if (!(isSecretKind && k === "data")) return [k, walk(v, false, false)];
    const data = isSecret(v) ? v.value : v;
    const filled = data && typeof data === "object" ? Object.fromEntries(Object.entries(data).map(([dk, dv]) => [dk, walk(dv, true, isSecret(v))])) : data;
    return [k, isSecret(v) ? { ...v, value: filled } : filled];
  }));
  return { props: out, changed };
}

/** The transform of one claim's Chart: its children's placeholders filled, nothing else touched. */
export function fillGenerated(seed: string, scope: string): pulumi.ResourceTransform {
  return (args) => {
    if (!args.custom || !args.type.startsWith("kubernetes:")) return undefined;
    const r = fillProps(args.props as Record<string, unknown>, seed, scope);
    return r.changed ? { props: r.props, opts: args.opts } : undefined;
  };
}
