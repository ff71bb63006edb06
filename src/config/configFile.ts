// Which keys a config file may hold, read as Pulumi reads them. A stack file is `config:` (plus the
// `encryptionsalt:` a team stack keeps); every config key is one of the ocdp: keys this project defines,
// or a key an admin lists in Pulumi.yaml's ocdp:allowedConfigKeys. Everything else is refused, not
// ignored: Pulumi reads `environment:`, `secretsprovider:`, `ocdp:config:<key>` (as ocdp:<key>) and
// bare keys (as ocdp:<key>, in Pulumi.yaml) where a reader that skips them would not see them.
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import { type Issue, ValidationError } from "./errors";
import { located, readConfigDocument, type ReadDocument } from "./yamlFile";

export const NS = "ocdp";

/** Every `ocdp:` key a stack may set. A misspelt `ocdp:claim` read as "no claims" would delete every workload. */
export const KNOWN_KEYS = ["templates", "cluster", "policy", "access", "claims", "kubeconfig", "registryCredentials", "secretSeed", "sourceCredentials"];
/** Keys only Pulumi.yaml may set: which other config keys (another provider's) a stack may carry. */
export const PROJECT_ONLY_KEYS = ["allowedConfigKeys"];
/** What Pulumi itself takes as a config key: `<namespace>:<name>`, one colon. */
const CONFIG_KEY = /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/;

/** Full config keys (`ocdp:claims`, `kubernetes:context`) to values, as Pulumi hands them to the program. */
export type ConfigValues = Record<string, unknown>;

export interface ProjectFile {
  name: string;
  stackConfigDir: string;
  /** Project-level config, unwrapped from `{value: ...}`. */
  config: ConfigValues;
  /** Keys outside ocdp: a stack may set (ocdp:allowedConfigKeys). */
  allowedKeys: string[];
}

function mapOf(r: ReadDocument, file: string): YAMLMap<Node, Node> {
  const top = r.doc.contents;
  if (!isMap(top)) throw new ValidationError([{ field: located(file, r.lineOf(top as Node)), rule: "must be a mapping" }]);
  return top as YAMLMap<Node, Node>;
}

const keyOf = (p: Pair<Node, Node>) => (isScalar(p.key) ? String(p.key.value) : "");

/** Why a config key is refused, or undefined. */
function keyProblem(key: string, allowed: string[], project: boolean): string | undefined {
  if (!key.includes(":")) return `config key ${JSON.stringify(key.slice(0, 40))} has no namespace (Pulumi would read it as ${NS}:${key.slice(0, 40)}): write the full key`;
  if (!CONFIG_KEY.test(key)) {
    return /^[^:]+:config:/.test(key)
      ? `config key ${JSON.stringify(key.slice(0, 60))}: the <namespace>:config:<key> form is not accepted (Pulumi reads it as ${key.replace(":config:", ":").slice(0, 60)}): write that key itself`
      : `config key ${JSON.stringify(key.slice(0, 60))} is not of the form <namespace>:<name>`;
  }
  const [ns, name] = key.split(":");
  if (ns === NS) {
    if (KNOWN_KEYS.includes(name) || (project && PROJECT_ONLY_KEYS.includes(name))) return undefined;
    if (PROJECT_ONLY_KEYS.includes(name)) return `${key} is set in Pulumi.yaml only (an admin's list)`;
    return `unknown key ${key}: expected one of ${KNOWN_KEYS.map((k) => `${NS}:${k}`).join(", ")}`;
  }
  if (allowed.includes(key)) return undefined;
  return `config key ${key} is not this project's: an admin lists keys of other namespaces in Pulumi.yaml's ${NS}:allowedConfigKeys`;
}

function configBlock(r: ReadDocument, file: string, block: Node | null | undefined, allowed: string[], project: boolean, issues: Issue[]): ConfigValues {
  const out: ConfigValues = {};
  if (block === undefined || block === null || (isScalar(block) && block.value === null)) return out;
  if (!isMap(block)) { issues.push({ field: located(file, r.lineOf(block)), rule: "config must be a mapping" }); return out; }
  for (const p of (block as YAMLMap<Node, Node>).items) {
    const key = keyOf(p);
    const why = keyProblem(key, allowed, project);
    if (why) { issues.push({ field: located(file, r.lineOf(p.key)), rule: why }); continue; }
    let value = p.value?.toJSON() as unknown;
    if (project) {
      // Project config is `key: {value: ...}`: Pulumi reads other shapes as type declarations or defaults.
      const v = p.value;
      if (!isMap(v) || v.items.length !== 1 || keyOf(v.items[0] as Pair<Node, Node>) !== "value") {
        issues.push({ field: located(file, r.lineOf(p.key)), rule: `${key} must be written as {value: ...} in Pulumi.yaml` });
        continue;
      }
      value = (value as { value: unknown }).value;
    }
    out[key] = value === undefined ? null : value;
  }
  return out;
}

/** Pulumi.yaml: its name, stack folder, project-level config and the admin's allow-list. */
export function readProjectFile(input: string | Uint8Array, file = "Pulumi.yaml"): ProjectFile {
  const r = readConfigDocument(input, { file });
  const top = mapOf(r, file);
  const issues: Issue[] = [];
  const get = (k: string) => top.items.find((p) => keyOf(p) === k)?.value;
  const name = get("name");
  const dir = get("stackConfigDir");
  const block = get("config");
  // The allow-list first: the keys it names are read from the same block.
  const listed = isMap(block) ? (block as YAMLMap<Node, Node>).items.find((p) => keyOf(p) === `${NS}:allowedConfigKeys`) : undefined;
  const allowedRaw = (listed?.value?.toJSON() as { value?: unknown } | undefined)?.value ?? [];
  const allowedKeys = Array.isArray(allowedRaw) ? allowedRaw.filter((k): k is string => typeof k === "string") : [];
  if (!Array.isArray(allowedRaw) || allowedKeys.length !== allowedRaw.length) {
    issues.push({ field: `${file}: ${NS}:allowedConfigKeys`, rule: "must be a list of config keys" });
  }
  for (const k of allowedKeys) {
    if (!CONFIG_KEY.test(k) || k.startsWith(`${NS}:`)) issues.push({ field: `${file}: ${NS}:allowedConfigKeys`, rule: `${JSON.stringify(k.slice(0, 60))} is not a <namespace>:<name> key of another namespace` });
  }
  const config = configBlock(r, file, block, allowedKeys, true, issues);
  if (issues.length) throw new ValidationError(issues);
  return {
    name: isScalar(name) ? String(name.value) : NS,
    stackConfigDir: isScalar(dir) ? String(dir.value) : ".",
    config,
    allowedKeys,
  };
}

/** A stack file's config keys, as Pulumi reads them; refuses what it might read otherwise. */
export function readStackFile(input: string | Uint8Array, file: string, allowedKeys: string[]): ConfigValues {
  const r = readConfigDocument(input, { file });
  const top = mapOf(r, file);
  const issues: Issue[] = [];
  let config: ConfigValues = {};
  for (const p of top.items) {
    const key = keyOf(p);
    if (key === "config") config = configBlock(r, file, p.value, allowedKeys, false, issues);
    else if (key === "encryptionsalt") {
      if (!isScalar(p.value) || typeof p.value.value !== "string") issues.push({ field: located(file, r.lineOf(p.key)), rule: "encryptionsalt must be a string" });
    } else {
      issues.push({ field: located(file, r.lineOf(p.key)), rule: `top-level key ${JSON.stringify(key.slice(0, 40))} is not accepted: a stack file holds config: (and a team stack's encryptionsalt:) only` });
    }
  }
  if (issues.length) throw new ValidationError(issues);
  return config;
}

/** The config Pulumi hands the program: the project's, each key overridden by the stack's. */
export function effectiveConfig(project: ProjectFile, stack: ConfigValues): ConfigValues {
  return { ...project.config, ...stack };
}
