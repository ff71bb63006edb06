// deploy.yml's scripts run for real, as a runner runs them after a merge: a repository with an origin,
// merges pushed to main, scripts/ci/deploy-plan.sh choosing the stacks and scripts/ci/deploy.sh
// deploying one, against the loopback cluster and a PostgreSQL backend. What they would post (the commit
// status, the pull request's comment) is read from the files they write.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { ROOT, scratchProject, tempDir } from "../helpers";
import { type Postgres, startPostgres } from "../postgres";
import { clusterDown, clusterUp, installProvider, pulumi, pulumiEnv } from "../pulumiEnv";
const PROVIDER_VERSION = require(join(ROOT, "node_modules", "@pulumi", "kubernetes", "package.json")).version as string;
const STACK = "prod";
type Obj = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).trim();

interface ScriptRun { code: number | null; out: string; err: string }

describe("e2e: merge deploys (deploy.yml's scripts) on the loopback cluster with a PostgreSQL backend", { timeout: 2_400_000 }, () => {
  let dir: string;
  let origin: string;
  let pg: Postgres;
  let env: NodeJS.ProcessEnv;
  let doc: Obj;
  const script = (name: string, extra: Record<string, string> = {}): Promise<ScriptRun> => new Promise((resolve) => {
    const p = spawn("bash", [join(dir, "scripts", "ci", name)], { cwd: dir, env: { ...env, ...extra } });
    let out = "";
    let err = "";
    p.stdout.on("data", (c) => { out += c; });
    p.stderr.on("data", (c) => { err += c; });
    p.on("close", (code) => resolve({ code, out, err }));
  });
  /** A merge to main: the stack file as `doc` (or another change), committed and pushed. */
  const merge = (msg: string, change?: () => void) => {
    if (change) change();
    else writeFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), yaml.dump(doc, { noRefs: true }));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", msg);
    git(dir, "push", "-q", "origin", "main");
    return git(dir, "rev-parse", "HEAD");
  };
  const plan = async () => {
    const out = join(tempDir("ocdp-gh-"), "output");
    writeFileSync(out, "");
    const r = await script("deploy-plan.sh", { GITHUB_OUTPUT: out });
    assert.equal(r.code, 0, r.out + r.err);
    return { ...r, stacks: JSON.parse(/^stacks=(.*)$/m.exec(readFileSync(out, "utf8"))![1]) as string[] };
  };
  const deployed = () => { try { return git(origin, "rev-parse", `refs/tags/ocdp-deployed/${STACK}`); } catch { return ""; } };
  const claim = (name: string, values: Obj = { storage: { size: "5Gi" } }) => ({ name, templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values });

  before(async () => {
    pg = await startPostgres();
    dir = scratchProject();
    clusterUp(join(dir, ".cluster"), 1);
    for (const s of ["lab", "local"]) rmSync(join(dir, "stacks", `Pulumi.${s}.yaml`));
    doc = yaml.load(readFileSync(join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as Obj;
    doc.config["ocdp:cluster"].name = STACK;
    doc.config["ocdp:cluster"].timeouts = { readiness: "40s" };
    doc.config["ocdp:access"].workspaces["team-a"].users = ["alice"];
    doc.config["ocdp:claims"] = [claim("cs-a")];
    writeFileSync(join(dir, "stacks", `Pulumi.${STACK}.yaml`), yaml.dump(doc, { noRefs: true }));
    origin = tempDir("ocdp-origin-");
    git(origin, "init", "-q", "--bare");
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
    git(dir, "remote", "add", "origin", origin);
    git(dir, "push", "-q", "origin", "main");
    env = { ...pulumiEnv(join(tempDir("ocdp-deploy-"), "pulumi")), PULUMI_BACKEND_URL: pg.url, PULUMI_CONFIG_PASSPHRASE: "deploy-e2e-passphrase",
      RUN_URL: "https://github.example/o/r/actions/runs/7", READY_WAIT: "20s" };
    installProvider(env, PROVIDER_VERSION);
  });
  after(async () => {
    if (env) await pulumi(dir, env, ["destroy", "--yes", "--skip-preview", "--stack", STACK]);
    clusterDown(join(dir, ".cluster"));
    pg?.stop();
  });

  let first = "";
  it("a stack never deployed is chosen, deployed, and its tag set; a merge that adds a claim deploys it, reported ready with its endpoint", async () => {
    const p0 = await plan();
    assert.deepEqual(p0.stacks, [STACK], p0.out);
    assert.match(p0.out, /stack prod: never deployed from this repository/);
    const d0 = await script("deploy.sh", { STACK, OUT_DIR: join(dir, "..", "out0") });
    assert.equal(d0.code, 0, d0.out + d0.err);
    first = git(dir, "rev-parse", "HEAD");
    assert.equal(deployed(), first, "the tag at the deployed commit, on the origin");

    doc.config["ocdp:claims"].push(claim("cs-b"));
    const head = merge("alice adds cs-b (#12)");
    const p1 = await plan();
    assert.deepEqual(p1.stacks, [STACK]);
    assert.match(p1.out, /stack prod: its claims changed since/);
    const out = tempDir("ocdp-deploy-out-");
    const d1 = await script("deploy.sh", { STACK, OUT_DIR: out });
    assert.equal(d1.code, 0, d1.out + d1.err);
    assert.equal(deployed(), head);
    const status = JSON.parse(readFileSync(join(out, "status-prod.json"), "utf8"));
    assert.deepEqual(status, { state: "success", context: "ocdp-deploy/prod", description: "deployed: every claim ready", target_url: "https://github.example/o/r/actions/runs/7" });
    const comment = readFileSync(join(out, "comment-prod.md"), "utf8");
    assert.match(comment, /^\| cs-b \| ready \| http:\/\/127\.0\.0\.1:\d+ \| +\|$/m, comment);
    assert.doesNotMatch(comment, /\| cs-a \|/, "only the claims the merge touched");
    assert.match(comment, /\[The run\]\(https:\/\/github\.example\/o\/r\/actions\/runs\/7\)/);
  });

  it("a merge that only edits README deploys nothing", async () => {
    merge("docs", () => writeFileSync(join(dir, "README.md"), `${readFileSync(join(dir, "README.md"), "utf8")}\nA line.\n`));
    const p = await plan();
    assert.deepEqual(p.stacks, []);
    assert.match(p.out, /stack prod: no change to its claims since/);
  });

  it("a merge whose claim cannot become ready fails the job naming the claim and the reason; the tag stays", async () => {
    const before = deployed();
    // 500Gi: no volume of the cluster is that large, so its PVC never binds and its pod never starts.
    doc.config["ocdp:claims"].push(claim("cs-big", { storage: { size: "500Gi" } }));
    doc.config["ocdp:policy"].workspaces["team-a"].budget.storage = "1Ti";
    merge("alice adds cs-big (#13)");
    assert.deepEqual((await plan()).stacks, [STACK]);
    const out = tempDir("ocdp-deploy-out-");
    const d = await script("deploy.sh", { STACK, OUT_DIR: out });
    assert.equal(d.code, 1, d.out + d.err);
    assert.match(d.err, /stack prod, claim cs-big: not ready \([a-z ]+\): .*(PersistentVolumeClaim|unbound|Pending|pending)/i);
    assert.equal(deployed(), before, "a failed deploy leaves the tag: the next merge retries");
    const status = JSON.parse(readFileSync(join(out, "status-prod.json"), "utf8"));
    assert.equal(status.state, "failure");
    assert.match(readFileSync(join(out, "comment-prod.md"), "utf8"), /^\| cs-big \| \*\*not ready\*\*/m);
  });

  it("two deploys started together on one stack: the second waits for the lock, both succeed, nothing is lost", async () => {
    doc.config["ocdp:claims"] = doc.config["ocdp:claims"].filter((c: Obj) => c.name !== "cs-big");
    doc.config["ocdp:claims"].push(claim("cs-c"));
    const head = merge("cs-big goes, cs-c comes (#14)");
    assert.deepEqual((await plan()).stacks, [STACK], "the failed deploy is retried with the next merge");
    const [a, b] = await Promise.all([
      script("deploy.sh", { STACK, OUT_DIR: tempDir("ocdp-deploy-a-") }),
      script("deploy.sh", { STACK, OUT_DIR: tempDir("ocdp-deploy-b-") }),
    ]);
    assert.equal(a.code, 0, a.out + a.err);
    assert.equal(b.code, 0, b.out + b.err);
    assert.match(a.out + b.out, /locked by another update; waiting/, "one of them found the stack locked");
    assert.equal(deployed(), head);
    const state = JSON.parse((await pulumi(dir, env, ["stack", "export", "--stack", STACK])).out);
    const workloads = state.deployment.resources.filter((r: Obj) => r.type === "ocdp:workloads:Workload").map((r: Obj) => r.urn.split("::").pop()).sort();
    assert.deepEqual(workloads, ["cs-a", "cs-b", "cs-c"]);
  });
});
