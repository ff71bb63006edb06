// Team state in PostgreSQL: the pinned Pulumi CLI keeping the local stack's state in a real PostgreSQL
// server (Debian's, started here on loopback with its own data folder): up, outputs, a second
// concurrent up refused by the lock with nothing lost, then converging.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { changesOf } from "../../src/cli/operate/updateSummary";
import { scratchProject } from "../helpers";
import { type Postgres, startPostgres } from "../postgres";
import { clusterDown, clusterUp, installProvider, pulumi, pulumiEnv } from "../pulumiEnv";

const PROVIDER_VERSION = require("@pulumi/kubernetes/package.json").version as string;

describe("e2e: the team backend in PostgreSQL", { timeout: 1_200_000 }, () => {
  let dir: string;
  let pg: Postgres;
  let env: NodeJS.ProcessEnv;
  const resources = async () => {
    const r = await pulumi(dir, env, ["stack", "export", "--stack", "local"]);
    assert.equal(r.code, 0, r.err);
    return (JSON.parse(r.out).deployment.resources ?? []).map((x: { urn: string }) => x.urn).sort() as string[];
  };

  before(async () => {
    pg = await startPostgres();
    dir = scratchProject();
    clusterUp(join(dir, ".cluster"), 2);
    // As the README asks of a team backend: a compressed checkpoint.
    env = { ...pulumiEnv(join(dir, ".pulumi-pg")), PULUMI_BACKEND_URL: pg.url, PULUMI_DIY_BACKEND_GZIP: "true" };
    installProvider(env, PROVIDER_VERSION);
    const init = await pulumi(dir, env, ["stack", "init", "local"]);
    assert.equal(init.code, 0, init.err);
  });
  after(() => {
    pg?.stop();
    clusterDown(join(dir, ".cluster"));
  });

  it("pulumi up keeps the stack's state in PostgreSQL; outputs read back from it", async () => {
    const r = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", "local"]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    const out = await pulumi(dir, env, ["stack", "output", "--json", "--stack", "local"]);
    assert.equal(out.code, 0, out.err);
    assert.match(JSON.parse(out.out).endpoints["cs-alice"][0].url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(Number(pg.psql("select count(*) from pulumi_state")) > 0, "state rows in the server");
    assert.match(pg.psql("select key from pulumi_state"), /stacks\/ocdp\/local\.json\.gz/, "the checkpoint is stored compressed");
  });

  it("a second concurrent up on the same stack is refused by the lock, nothing is lost, and the next up converges", async () => {
    const before = await resources();
    const locks = () => pg.psql("select key from pulumi_state where key like '%/locks/%'").trim();
    const first = pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", "local"]);
    // The second starts while the first holds the stack's lock (a row in the server).
    for (let i = 0; i < 200 && !locks(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(locks(), "the first up holds a lock");
    const second = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", "local"]);
    assert.notEqual(second.code, 0, "refused");
    assert.match(second.out + second.err, /locked/i);
    const a = await first;
    assert.equal(a.code, 0, a.err);
    assert.equal(locks(), "", "the lock is released");
    assert.deepEqual(await resources(), before, "nothing lost");
    const since = new Date();
    const again = await pulumi(dir, env, ["up", "--yes", "--skip-preview", "--stack", "local"]);
    assert.equal(again.code, 0, again.err);
    // The engine's own counts of that update: only "same" (no create, update, replace or delete).
    const history = await pulumi(dir, env, ["stack", "history", "--json", "--page-size", "1", "--stack", "local"]);
    assert.equal(history.code, 0, history.err);
    const changes = changesOf(JSON.parse(history.out), since);
    assert.deepEqual(Object.keys(changes), ["same"], JSON.stringify(changes));
  });
});
