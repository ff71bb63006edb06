// `ocdp:sourceCredentials`: what ocdp logs in with to a private Helm repository, OCI registry or Git
// server, by URL prefix, kept as stack secrets like `ocdp:registryCredentials`. Pure: parsing, checks
// that never echo a value, and which credential a source URL takes. The processes that use them are in
// src/catalog/sources/access.ts.
import { IssueList, type Issue } from "./errors";
import { isSecure } from "./sameReading";

export const SOURCE_CREDENTIALS_KEY = "sourceCredentials";
const FIELD = `ocdp:${SOURCE_CREDENTIALS_KEY}`;

/** One credential as an admin sets it: `url` a prefix, then a password (with its username) or a token. */
export interface SourceCredential {
  url: string;
  username?: string;
  password?: string;
  token?: string;
}

/** A credential ready for a tool: its name (for messages), the prefix it covers and what to send. */
export interface SourceLogin {
  name: string;
  url: string;
  username: string;
  password: string;
}

/**
 * A token is sent as the password of HTTP basic auth, with this username unless one is given: Gitea,
 * GitLab and GitHub accept a token under any username; Harbor's robot accounts have a username to give.
 */
export const TOKEN_USERNAME = "oauth2";
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
/** A scheme, a host (no user:password@), an optional port and path; no query or fragment. */
const URL_PREFIX = /^(https?|oci):\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[^\s?#@]*)?$/;

/** How to set a credential, for messages: the commands, never a value. */
export function setCommands(stack: string, name: string, url?: string): string {
  const at = `--stack ${stack}`;
  return `\`pulumi config set --path ${FIELD}.${name}.url ${url ?? "<url prefix>"} ${at}\`, \`pulumi config set --path ${FIELD}.${name}.username <user> ${at}\` and \`pulumi config set --secret --path ${FIELD}.${name}.password <password or token> ${at}\` (docs/admins.md#private-sources)`;
}

/** Whether a URL holds a user or password (`https://u:p@host/...`): refused wherever a source URL is read. */
export function holdsLogin(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*@/i.test(url);
}

/** A URL as it may be shown: no user:password@ and no query, which can carry a token. */
export function showUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@\s]*@/i, "$1").replace(/[?#].*$/, "");
}

/**
 * Checks the stack file's value (`file`: as the file stores it, a secret as `{secure}`; undefined when
 * the key is absent): every problem at once, each naming the credential and field, never a value.
 */
export function sourceCredentialProblems(stack: string, file: unknown): Issue[] {
  const issues = new IssueList();
  if (file === undefined || file === null) return [];
  if (typeof file !== "object" || Array.isArray(file) || isSecure(file)) {
    issues.add({ stack, field: FIELD, rule: `must be a mapping of credentials by name, each {url, username, password} or {url, token}, set with ${setCommands(stack, "<name>")}` });
    return issues.items;
  }
  for (const [name, c] of Object.entries(file as Record<string, unknown>)) {
    const field = `${FIELD}.${name}`;
    if (!NAME.test(name)) issues.add({ stack, field, rule: "the name must be letters, digits, - or _ (at most 63)" });
    if (!c || typeof c !== "object" || Array.isArray(c) || isSecure(c)) {
      issues.add({ stack, field, rule: "must be a mapping {url, username, password} or {url, token}" });
      continue;
    }
    const o = c as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["url", "username", "password", "token"].includes(k)) issues.add({ stack, field: `${field}.${k}`, rule: "unknown field: expected url, username, password or token" });
    }
    if (typeof o.url !== "string") issues.add({ stack, field: `${field}.url`, rule: "is required: the URL prefix of the sources it is for (https://, http:// or oci://)" });
    else if (holdsLogin(o.url)) issues.add({ stack, field: `${field}.url`, rule: "must not hold a user or password: they go in username and password" });
    else if (!URL_PREFIX.test(o.url)) issues.add({ stack, field: `${field}.url`, rule: "must be an https://, http:// or oci:// URL prefix with a host (no query or fragment)" });
    if (o.username !== undefined && (typeof o.username !== "string" || !o.username)) issues.add({ stack, field: `${field}.username`, rule: "must be a non-empty string" });
    const secrets = (["password", "token"] as const).filter((k) => o[k] !== undefined);
    if (secrets.length !== 1) issues.add({ stack, field, rule: "needs exactly one of password or token" });
    if (o.password !== undefined && o.username === undefined) issues.add({ stack, field: `${field}.username`, rule: "is required with a password" });
    for (const k of secrets) {
      // In plain text it would be in the repository for anyone who can read it.
      if (!isSecure(o[k])) issues.add({ stack, field: `${field}.${k}`, rule: `must be a secret: \`pulumi config set --secret --path ${field}.${k} <value> --stack ${stack}\`` });
    }
  }
  return issues.items;
}

/** Plain URL prefixes by name, readable without decrypting anything (the stack file's value). */
export function credentialUrls(file: unknown): Record<string, string> {
  if (!file || typeof file !== "object" || Array.isArray(file)) return {};
  return Object.fromEntries(Object.entries(file as Record<string, unknown>).flatMap(([name, c]) => {
    const url = c && typeof c === "object" ? (c as { url?: unknown }).url : undefined;
    return typeof url === "string" ? [[name, url]] : [];
  }));
}

const trimSlash = (u: string) => u.replace(/\/+$/, "");

/** Whether `prefix` covers `url`: equal, or `url` continues it after a `/` (never `host.evil`). */
export function covers(prefix: string, url: string): boolean {
  const p = trimSlash(prefix);
  const u = trimSlash(url);
  return u === p || u.startsWith(`${p}/`);
}

/** The name of the credential for `url`: the longest prefix that covers it. */
export function credentialNameFor(urls: Record<string, string>, url: string): string | undefined {
  let best: [string, number] | undefined;
  for (const [name, prefix] of Object.entries(urls)) {
    if (covers(prefix, url) && (!best || trimSlash(prefix).length > best[1])) best = [name, trimSlash(prefix).length];
  }
  return best?.[0];
}

/** The decrypted credential named `name` as tools use it. */
export function loginOf(name: string, c: SourceCredential): SourceLogin {
  return { name, url: trimSlash(c.url), username: c.username ?? TOKEN_USERNAME, password: (c.password ?? c.token)! };
}
