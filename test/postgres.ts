// A real PostgreSQL server for tests: Debian's binaries, its own data folder, a free loopback port,
// stopped by `stop()`. initdb refuses to run as root, so as root the server runs as the `postgres` user.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { tempDir } from "./helpers";

export interface Postgres {
  url: string;
  port: number;
  psql(sql: string): string;
  stop(): void;
}

function binDir(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error("PostgreSQL is not installed: npm run setup installs Debian's postgresql");
  return join("/usr/lib/postgresql", versions[0], "bin");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<Postgres> {
  const dir = tempDir("ocdp-pg-");
  const data = join(dir, "data");
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(c, a, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  if (asRoot) {
    execFileSync("chown", ["-R", "postgres:postgres", dir]);
    chmodSync(dir, 0o755);
  }
  run("initdb", ["-D", data, "-U", "ocdp", "-A", "trust", "--no-sync"]);
  const port = await freePort();
  run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-o", `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off`, "start"]);
  run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "ocdp", "pulumi"]);
  return {
    url: `postgres://ocdp@127.0.0.1:${port}/pulumi?sslmode=disable`,
    port,
    psql: (sql) => execFileSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "ocdp", "-d", "pulumi", "-At", "-c", sql], { encoding: "utf8" }),
    stop: () => { run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]); },
  };
}
