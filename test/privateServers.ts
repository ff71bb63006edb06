// Private sources served for real on loopback, each refusing a request without the right basic-auth
// header (401 with a Basic challenge, as Harbor, Gitea and chart museums answer): a Helm repository, an
// OCI registry (crane's registry behind an authenticating front), and a Git server (`git http-backend`
// behind a small HTTP server). Every request is recorded with whether it carried the credential.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { ROOT, tempDir } from "./helpers";

const tool = (name: string) => join(ROOT, ".tools", "bin", name);

export interface PrivateServer {
  /** http://127.0.0.1:<port>[/path] or oci://127.0.0.1:<port>/charts */
  url: string;
  /** Requests seen: path and whether the credential was right. */
  seen: { path: string; ok: boolean }[];
  close(): void;
}

/** A password with characters a URL or a shell would mangle: it must reach the server intact. */
export function makePassword(): string {
  return `Pw-${Math.random().toString(36).slice(2, 10)}+/$x${Math.random().toString(36).slice(2, 8)}`;
}

function guard(user: string, password: string, seen: PrivateServer["seen"], serve: (req: IncomingMessage, res: ServerResponse) => void) {
  const want = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return (req: IncomingMessage, res: ServerResponse) => {
    const ok = req.headers.authorization === want;
    seen.push({ path: req.url ?? "", ok });
    if (!ok) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="ocdp-test"', "Content-Type": "text/plain" }).end("401 Unauthorized\n");
      return;
    }
    serve(req, res);
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** A Helm repository at <host>/charts serving `tgz` (a packaged chart) only to `user`/`password`. */
export async function privateHelmRepo(tgz: string, user: string, password: string): Promise<PrivateServer> {
  const dir = tempDir("ocdp-private-repo-");
  copyFileSync(tgz, join(dir, basename(tgz)));
  // Chart URLs in the index relative to it, as chart museums write them.
  execFileSync(tool("helm"), ["repo", "index", dir]);
  const seen: PrivateServer["seen"] = [];
  const server = createServer(guard(user, password, seen, (req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    try {
      if (!path.startsWith("/charts/")) throw new Error("not here");
      res.writeHead(200).end(readFileSync(join(dir, path.slice("/charts/".length))));
    } catch {
      res.writeHead(404).end();
    }
  }));
  const url = `http://127.0.0.1:${await listen(server)}/charts`;
  return { url, seen, close: () => server.close() };
}

/**
 * An OCI registry that enforces basic auth: `crane registry serve` (go-containerregistry's registry, a
 * real implementation of the distribution API) with no auth of its own, behind a front that passes only
 * requests with the credential. `tgz` is pushed to <url>/<chart name> with helm, logged in.
 */
export async function privateOciRegistry(tgz: string, user: string, password: string): Promise<PrivateServer> {
  const p = spawn(tool("crane"), ["registry", "serve", "--address", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
  const backend = await new Promise<number>((resolve, reject) => {
    let said = "";
    p.stderr.on("data", (c) => {
      said += c;
      const m = /serving on port (\d+)/.exec(said);
      if (m) resolve(Number(m[1]));
    });
    p.on("exit", (code) => reject(new Error(`crane registry serve exited with ${code}: ${said}`)));
    p.on("error", reject);
  });
  const seen: PrivateServer["seen"] = [];
  const server = createServer(guard(user, password, seen, (req, res) => {
    const up = httpRequest({ host: "127.0.0.1", port: backend, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${backend}` } }, (r) => {
      const headers = { ...r.headers };
      // Upload locations the backend gives name its own port: the client must come back through the front.
      if (typeof headers.location === "string") headers.location = headers.location.replace(`127.0.0.1:${backend}`, req.headers.host ?? "");
      res.writeHead(r.statusCode ?? 502, headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  }));
  const port = await listen(server);
  const url = `oci://127.0.0.1:${port}/charts`;
  // helm push, logged in through a registry config of its own (the test's, not the user's).
  const cfg = tempDir("ocdp-oci-login-");
  writeFileSync(join(cfg, "config.json"), JSON.stringify({ auths: { [`127.0.0.1:${port}`]: { auth: Buffer.from(`${user}:${password}`).toString("base64") } } }));
  await new Promise<void>((resolve, reject) => {
    const push = spawn(tool("helm"), ["push", tgz, url, "--plain-http", "--registry-config", join(cfg, "config.json")], { env: { ...process.env, HELM_CONFIG_HOME: cfg } });
    let err = "";
    push.stderr.on("data", (c) => { err += c; });
    push.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`helm push: ${err}`))));
  });
  return { url, seen, close: () => { server.close(); p.kill(); } };
}

/** A Git server for the bare repositories under `root` (`git http-backend` as CGI), only for `user`/`password`. */
export async function privateGitServer(root: string, user: string, password: string): Promise<PrivateServer> {
  const backend = join(execFileSync("git", ["--exec-path"], { encoding: "utf8" }).trim(), "git-http-backend");
  const seen: PrivateServer["seen"] = [];
  const server = createServer(guard(user, password, seen, (req, res) => {
    const [path, query = ""] = (req.url ?? "/").split("?");
    const cgi = spawn(backend, [], {
      env: {
        PATH: process.env.PATH, GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: "1", PATH_INFO: decodeURIComponent(path), QUERY_STRING: query,
        REQUEST_METHOD: req.method ?? "GET", CONTENT_TYPE: req.headers["content-type"] ?? "", REMOTE_USER: user, REMOTE_ADDR: "127.0.0.1",
        ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    cgi.stdout.on("data", (c: Buffer) => {
      if (started) return void res.write(c);
      head = Buffer.concat([head, c]);
      const end = head.indexOf("\r\n\r\n") >= 0 ? head.indexOf("\r\n\r\n") : head.indexOf("\n\n");
      if (end < 0) return;
      const sep = head.indexOf("\r\n\r\n") >= 0 ? 4 : 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString().split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === "status") status = Number(v.split(" ")[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      started = true;
      res.write(head.subarray(end + sep));
    });
    cgi.on("close", () => res.end());
  }));
  const url = `http://127.0.0.1:${await listen(server)}`;
  return { url, seen, close: () => server.close() };
}

/** A bare repository `<root>/<name>.git` holding `tree` (a folder) as one commit on main. */
export function bareRepoOf(tree: string, root: string, name: string): string {
  const work = tempDir("ocdp-git-work-");
  const g = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" });
  execFileSync("cp", ["-r", `${tree}/.`, work]);
  g(work, "init", "-q", "-b", "main");
  g(work, "add", "-A");
  g(work, "commit", "-qm", "manifests");
  const bare = join(root, `${name}.git`);
  g(dirname(bare), "clone", "-q", "--bare", work, bare);
  return bare;
}

/** The project's code-server chart packaged (helm package), as a private repository would serve it. */
export function packagedChart(): string {
  const out = execFileSync(tool("helm"), ["package", join(ROOT, "charts", "code-server"), "--destination", tempDir("ocdp-private-chart-")], { encoding: "utf8" });
  return out.trim().split(": ").pop()!;
}

/** Every file under `dir` whose bytes hold `needle` (a leak check over a staged folder, a cache, a backend). */
export function filesHolding(dir: string, needle: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try { names = readdirSync(d); } catch { return; }
    for (const n of names) {
      const f = join(d, n);
      const st = statSync(f, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(f);
      else if (st?.isFile() && readFileSync(f).includes(needle)) out.push(f);
    }
  };
  walk(dir);
  return out;
}

/**
 * Sets `ocdp:sourceCredentials.<name>` of a stack as an admin does, with the real Pulumi CLI: url and
 * username plain, the password a secret, each value on stdin (never an argument). Throws on a failure.
 */
export function setSourceCredential(dir: string, env: NodeJS.ProcessEnv, stack: string, name: string, c: { url: string; username: string; password: string }): void {
  const fields: [string, string, boolean][] = [["url", c.url, false], ["username", c.username, false], ["password", c.password, true]];
  for (const [k, v, secret] of fields) {
    const r = spawnSync(tool("pulumi"), ["config", "set", "--path", `ocdp:sourceCredentials.${name}.${k}`, ...(secret ? ["--secret"] : []), "--stack", stack, "--non-interactive"],
      { cwd: dir, env, input: v, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`pulumi config set ocdp:sourceCredentials.${name}.${k}: ${r.stderr}`);
  }
}
