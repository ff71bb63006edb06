// Logging in to a private source without the secret ever reaching a command line, a URL, the checkout or
// a cache folder: helm reads it from a repositories.yaml or registry config in a private temporary folder
// (mode 0700, removed when the process is done with it); git asks a credential helper (bin/git-credential-ocdp)
// that answers from its own environment, and only for the URL prefix the credential is for.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { credentialNameFor, loginOf, setCommands, showUrl, type SourceCredential, type SourceLogin } from "../../config/sourceCredentials";

/** Which credential a source URL takes; undefined for a public source. */
export interface SourceAccess {
  /** Throws SourceAccessError when the URL has a credential that cannot be read (no passphrase, say). */
  loginFor(url: string): Promise<SourceLogin | undefined>;
}

export type SourceKind = "Helm repository" | "OCI registry" | "Git repository";

/** Words of the error for a credential this process cannot decrypt (no passphrase): `ocdp diff` tells it apart. */
const UNREADABLE = "which could not be read for stack";
const NOT_HERE = "a job without the stack's passphrase, such as a pull request's diff, cannot render it; the cluster preview and pulumi up do";

/** Whether a claim's error is only that its source's credential cannot be read here. */
export function credentialUnreadable(message: string): boolean {
  return message.includes(UNREADABLE) && message.includes(NOT_HERE);
}

/** A source that refused us or could not be reached: said without a secret, with what to do. */
export class SourceAccessError extends Error {}

const packageRoot = resolve(__dirname, "..", "..", "..", "..");
export const GIT_CREDENTIAL_HELPER = join(packageRoot, "bin", "git-credential-ocdp");

/** Every form in which a tool could print the secret, longest first. */
function secretForms(login: SourceLogin): string[] {
  const forms = [login.password, encodeURIComponent(login.password), Buffer.from(`${login.username}:${login.password}`).toString("base64"), Buffer.from(login.password).toString("base64")];
  return [...new Set(forms)].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

/** A tool's message with every form of the secret cut out (a server may echo what it was sent). */
export function redact(text: string, login?: SourceLogin): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s'"]*@/gi, "$1");
  if (login) for (const f of secretForms(login)) out = out.split(f).join("***");
  return out;
}

/** What the server did, from a tool's words: a refusal (401/403), no answer, or something else. */
export function classify(message: string): "401" | "403" | "unreachable" | undefined {
  if (/\b403\b|forbidden/i.test(message)) return "403";
  if (/\b401\b|unauthori[sz]ed|authentication failed|could not read (username|password)|basic credential not found|no basic auth credentials/i.test(message)) return "401";
  if (/connection refused|no such host|could not resolve|failed to connect|timed? ?out|network is unreachable|no route to host|connection reset/i.test(message)) return "unreachable";
  return undefined;
}

/**
 * The error for a source that could not be used: the kind and URL (no secret), what the server did,
 * and the config key to set. `detail` is the tool's own message, redacted.
 */
export function accessError(stack: string, kind: SourceKind, url: string, login: SourceLogin | undefined, toolMessage: string): SourceAccessError {
  const msg = redact(toolMessage, login);
  const where = `${kind} ${showUrl(url)}`;
  const how = classify(msg);
  const first = msg.split("\n").map((l) => l.trim()).find((l) => l) ?? "";
  if (how === "unreachable") return new SourceAccessError(`${where} could not be reached (${first.slice(0, 200)})`);
  if (how === "401" || how === "403") {
    const answered = `${where} answered ${how === "401" ? "401 Unauthorized" : "403 Forbidden"}`;
    if (!login) return new SourceAccessError(`${answered} and the stack has no credential for it: an admin sets one with ${setCommands(stack, "<name>", showUrl(url))}`);
    const what = how === "401" ? "was refused" : "is not allowed to read it";
    return new SourceAccessError(`${answered}: the credential ocdp:sourceCredentials.${login.name} ${what}; an admin sets the right one with \`pulumi config set --secret --path ocdp:sourceCredentials.${login.name}.password <password or token> --stack ${stack}\``);
  }
  return new SourceAccessError(`${where}: ${first.slice(0, 300)}`);
}

/** A private temporary folder for one tool run's login files. */
function privateDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "ocdp-login-")); // mode 0700
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const REPO_NAME = "ocdp-source";

/**
 * A Helm repository behind basic auth: helm reads the credential from a repositories.yaml of one
 * repository (the flags `--username/--password` would put it in the process list). Credentials go only to
 * the repository's own host (helm's default, `pass_credentials_all: false`).
 */
export function helmRepoLogin(login: SourceLogin, repoUrl: string): { args: string[]; cleanup: () => void } {
  const { dir, cleanup } = privateDir();
  const file = join(dir, "repositories.yaml");
  writeFileSync(file, JSON.stringify({
    apiVersion: "", generated: "0001-01-01T00:00:00Z",
    repositories: [{ name: REPO_NAME, url: repoUrl, username: login.username, password: login.password, pass_credentials_all: false }],
  }), { mode: 0o600 });
  return { args: ["--repository-config", file, "--repository-cache", join(dir, "cache")], cleanup };
}

/** The registry's host[:port] of an oci:// reference. */
export function ociHost(ref: string): string {
  return ref.replace(/^oci:\/\//, "").split("/")[0];
}

/** An OCI registry: helm reads the login from a registry config (Docker's config.json format) of one registry. */
export function ociLogin(login: SourceLogin, ref: string): { args: string[]; cleanup: () => void } {
  const { dir, cleanup } = privateDir();
  const file = join(dir, "config.json");
  const auth = Buffer.from(`${login.username}:${login.password}`).toString("base64");
  writeFileSync(file, JSON.stringify({ auths: { [ociHost(ref)]: { auth } } }), { mode: 0o600 });
  return { args: ["--registry-config", file], cleanup };
}

/**
 * The environment of every git process that fetches a preset. Git's own credential helpers and askpass
 * programs are switched off (an empty helper resets the list; GIT_ASKPASS fails), so a runner and a
 * laptop fetch with the same credentials: the stack's, or none. With a login, ocdp's helper answers for
 * its URL prefix only (useHttpPath gives it the path), from variables of this process's environment,
 * never its arguments. Config given through GIT_CONFIG_* stays off the command line.
 */
export function gitEnv(login?: SourceLogin): Record<string, string> {
  const config: [string, string][] = [["credential.helper", ""]];
  if (login) config.push(["credential.helper", GIT_CREDENTIAL_HELPER], ["credential.useHttpPath", "true"]);
  return {
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    GIT_CONFIG_COUNT: String(config.length),
    ...Object.fromEntries(config.flatMap(([k, v], i) => [[`GIT_CONFIG_KEY_${i}`, k], [`GIT_CONFIG_VALUE_${i}`, v]])),
    ...(login ? { OCDP_GIT_CREDENTIAL_URL: login.url, OCDP_GIT_USERNAME: login.username, OCDP_GIT_PASSWORD: login.password } : {}),
  };
}

/**
 * A stack's access: `urls` the prefixes (plain in the stack file), `read` the decrypted credentials,
 * called only when a source needs one, once. A stack that uses no private source never decrypts.
 */
export function sourceAccess(stack: string, urls: Record<string, string> | undefined, read: () => Promise<Record<string, SourceCredential>>): SourceAccess {
  let all: Promise<Record<string, SourceCredential>> | undefined;
  return {
    async loginFor(url) {
      const name = credentialNameFor(urls ?? {}, url);
      if (!name) return undefined;
      all ??= read();
      let creds: Record<string, SourceCredential>;
      try {
        creds = await all;
      } catch (e) {
        throw new SourceAccessError(`${showUrl(url)} takes the credential ocdp:sourceCredentials.${name}, ${UNREADABLE} ${stack}: ${redactAll((e as Error).message).split("\n")[0].slice(0, 300)} (${NOT_HERE})`);
      }
      const c = creds[name];
      if (!c || (c.password ?? c.token) === undefined) throw new SourceAccessError(`${showUrl(url)} takes the credential ocdp:sourceCredentials.${name}, which has no password or token: ${setCommands(stack, name, showUrl(url))}`);
      return loginOf(name, c);
    },
  };
}

/** Text that may quote a secret we do not know: anything after password/token markers cut. */
function redactAll(text: string): string {
  return text.replace(/(password|token|secret)\S*\s*[:=]\s*\S+/gi, "$1: ***");
}
