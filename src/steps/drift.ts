// Drift: what a refresh preview (`pulumi preview --refresh --json`) says it would change, read as how the
// live cluster differs from the stack. Pure: the engine's steps in, one entry per object that differs,
// with its claim and the fields. The engine diffs the program's inputs against the inputs it read back
// from the cluster, so fields the cluster owns (status, managedFields, allocated nodePorts and cluster
// IPs, defaults the API server adds) are never in it: they are not inputs.

/** A step of `pulumi preview --json`, the parts read here. */
export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { type?: string; inputs?: Record<string, unknown>; parent?: string };
  newState?: { type?: string; inputs?: Record<string, unknown>; parent?: string };
  detailedDiff?: Record<string, { kind?: string; inputDiff?: boolean }> | null;
  diffReasons?: string[] | null;
}

export interface DriftField {
  path: string;
  /** What the cluster has (undefined: absent there). */
  live?: unknown;
  /** What the stack applies (undefined: absent in the stack). */
  stack?: unknown;
}

export interface DriftedObject {
  /** The claim the object belongs to; undefined for the stack's own objects (namespaces, quotas). */
  claim?: string;
  kind: string;
  /** namespace/name, or name. */
  name: string;
  /** changed: fields differ; missing: deleted from the cluster; replaced: the engine would replace it. */
  change: "changed" | "missing" | "replaced";
  fields: DriftField[];
}

const WORKLOAD = "ocdp:workloads:Workload";
const DRIFT_OPS: Record<string, DriftedObject["change"] | undefined> = { update: "changed", create: "missing", replace: "replaced" };

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (urn: string) => urn.split("::")[2]?.split("$").pop() ?? "";

/** `spec.containers[0].env[1].value`, `metadata.labels["ocdp.io/claim"]` -> path segments. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of path.matchAll(re)) out.push(m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? JSON.parse(`"${m[3]}"`) : m[1]);
  return out;
}

export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const seg of pathSegments(path)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** The drifted objects of a refresh preview's steps, in step order. */
export function driftOf(steps: PreviewStep[]): DriftedObject[] {
  const parent = new Map<string, string>();
  for (const s of steps) {
    const p = s.newState?.parent ?? s.oldState?.parent;
    if (p) parent.set(s.urn, p);
  }
  const claimOf = (urn: string): string | undefined => {
    for (let u: string | undefined = urn, hops = 0; u && hops < 10; u = parent.get(u), hops++) {
      if (typeOf(u) === WORKLOAD) return nameOf(u);
    }
    // Parents not listed: a Workload's children are named after it (<claim>, <claim>:<ns>/<name>, <claim>-claim).
    return urn.includes(`${WORKLOAD}$`) ? nameOf(urn).split(":")[0].replace(/-(claim|workload)$/, "") : undefined;
  };
  const out: DriftedObject[] = [];
  for (const s of steps) {
    const change = DRIFT_OPS[s.op];
    // Components (the Workload, a Chart, a Directory) are the program's bookkeeping, not cluster objects.
    const type = s.newState?.type ?? s.oldState?.type ?? typeOf(s.urn);
    if (!change || !type.startsWith("kubernetes:") || type.startsWith("kubernetes:helm.sh/") || type.startsWith("kubernetes:kustomize:") || type === "pulumi:providers:kubernetes") continue;
    const inputs = s.newState?.inputs ?? s.oldState?.inputs ?? {};
    const meta = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
    const kind = String(inputs.kind ?? type.split(":").pop());
    const name = meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name ?? nameOf(s.urn));
    const paths = Object.keys(s.detailedDiff ?? {}).length ? Object.keys(s.detailedDiff!) : (s.diffReasons ?? []);
    const fields = change === "missing" ? [] : paths.sort().map((path) => ({ path, live: valueAt(s.oldState?.inputs, path), stack: valueAt(s.newState?.inputs, path) }));
    out.push({ claim: claimOf(s.urn), kind, name, change, fields });
  }
  return out;
}

const MASK = "********";
/** The key Pulumi marks a secret value with in its JSON (`{"4dabf...": "1b47061264138c4ac30d75fd1eb44270", ...}`). */
const PULUMI_SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A value as drift shows it: cut, and masked for a Secret's data or anything Pulumi marks secret. */
export function showValue(v: unknown, kind: string, path: string): string {
  if (v === undefined) return "(absent)";
  if (kind === "Secret" && /^(data|stringData)\b/.test(path)) return MASK;
  const text = JSON.stringify(v);
  if (text.includes("[secret]") || text.includes(PULUMI_SECRET_SIG)) return MASK;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per drifted object, by claim: the text `ocdp drift` prints. */
export function formatDrift(stack: string, drifted: DriftedObject[]): string {
  if (!drifted.length) return `stack ${stack}: no drift: the cluster matches the stack\n`;
  const lines = [`stack ${stack}: ${drifted.length} object(s) differ from the stack (live -> stack); \`pulumi up --refresh\` (\`ocdp up --refresh\`) restores them`];
  for (const d of drifted) {
    const what = d.change === "missing" ? "missing from the cluster (deleted)"
      : `${d.change === "replaced" ? "would be replaced: " : ""}${d.fields.map((f) => `${f.path} ${showValue(f.live, d.kind, f.path)} -> ${showValue(f.stack, d.kind, f.path)}`).join(", ")}`;
    lines.push(`  ${d.claim ? `claim ${d.claim}` : "stack"}: ${d.kind} ${d.name}: ${what}`);
  }
  return `${lines.join("\n")}\n`;
}
