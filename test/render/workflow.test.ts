// The pull-request workflows are valid GitHub Actions (actionlint, pinned by the setup), and their steps
// do what they say, run here for real: the gate's and the diff's scripts on a repository with a base
// branch and a pull request's head, with the environment a runner gives them; the comment step's inline
// script against a recording GitHub client.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import yaml from "js-yaml";
import { ROOT, scratchProject, tempDir } from "../helpers";

const actionlint = (file: string) => spawnSync(join(ROOT, ".tools/bin/actionlint"), ["-no-color", file], { encoding: "utf8" });
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=t@ocdp", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).trim();
type Step = { name?: string; run?: string; env?: Record<string, string>; uses?: string; with?: Record<string, string> };
type Job = { steps: Step[]; permissions?: Record<string, string>; environment?: string; env?: Record<string, string> };
const workflow = (name: string) => yaml.load(readFileSync(join(ROOT, `.github/workflows/${name}.yml`), "utf8")) as { jobs: Record<string, Job>; permissions?: Record<string, string> };
const step = (name: string, job: string, prefix: string) => workflow(name).jobs[job].steps.find((s) => s.name?.startsWith(prefix))!;

for (const name of ["preview", "gate", "expire", "deploy", "drift"]) {
  describe(`.github/workflows/${name}.yml`, () => {
    const file = join(ROOT, `.github/workflows/${name}.yml`);
    it("passes actionlint", () => {
      const r = actionlint(file);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
    it("actionlint does catch a broken workflow (the check can fail)", () => {
      const broken = join(tempDir("ocdp-wf-"), `${name}.yml`);
      writeFileSync(broken, readFileSync(file, "utf8").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    step: []"));
      assert.notEqual(actionlint(broken).status, 0);
    });
  });
}

describe("no job that runs a pull request's code holds a credential", () => {
  it("preview.yml: the job that runs the PR's code has no secret, a read-only token, and keeps no token in the checkout", () => {
    const w = workflow("preview");
    const text = readFileSync(join(ROOT, ".github/workflows/preview.yml"), "utf8");
    assert.doesNotMatch(text, /secrets\./, "preview.yml names no secret");
    assert.deepEqual(w.permissions, { contents: "read" });
    const diff = w.jobs.diff;
    assert.equal(diff.permissions, undefined, "the workflow's read-only token");
    assert.equal(diff.steps.find((s) => s.uses?.startsWith("actions/checkout"))!.with!["persist-credentials"], false);
    // The job that may write runs nothing from the repository: no checkout at all.
    assert.deepEqual(w.jobs.comment.permissions, { "pull-requests": "write" });
    assert.ok(!w.jobs.comment.steps.some((s) => s.uses?.startsWith("actions/checkout") || s.run), "comment job: no checkout, no run step");
  });
  it("gate.yml: pull_request_target (base code); the job with cluster secrets waits for an environment's reviewers, after the gate", () => {
    const w = workflow("gate");
    assert.match(readFileSync(join(ROOT, ".github/workflows/gate.yml"), "utf8"), /^ {2}pull_request_target:/m);
    assert.equal(w.jobs.authorize.steps.some((s) => JSON.stringify(s).includes("secrets.")), false, "the gate holds no secret");
    assert.equal(w.jobs.preview.environment, "cluster-preview");
    assert.equal((w.jobs.preview as unknown as { needs: string }).needs, "authorize");
    for (const j of Object.values(w.jobs)) {
      const co = j.steps.find((s) => s.uses?.startsWith("actions/checkout"))!;
      assert.equal(co.with!["persist-credentials"], false);
      assert.equal(co.with!.ref, undefined, "the base branch is what runs");
    }
  });
});

/**
 * A repository whose origin has main, with pull request heads made on top of it; `prepare` edits the
 * project before its base commit.
 */
function prRepo(prepare?: (dir: string) => void): { dir: string; origin: string; pr: (change: (dir: string) => void, msg?: string) => void } {
  const origin = tempDir("ocdp-origin-");
  const dir = scratchProject();
  prepare?.(dir);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "base");
  git(origin, "init", "-q", "--bare");
  git(dir, "remote", "add", "origin", origin);
  git(dir, "push", "-q", "origin", "main");
  git(dir, "fetch", "-q", "origin");
  const pr = (change: (d: string) => void, msg = "pr") => {
    git(dir, "checkout", "-q", "-B", "pr", "origin/main");
    change(dir);
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", msg);
    git(dir, "update-ref", "refs/remotes/pr/head", "HEAD");
    git(dir, "checkout", "-q", "main");
  };
  return { dir, origin, pr };
}

const edit = (file: string, from: string, to: string) => (d: string) => {
  const f = join(d, file);
  const text = readFileSync(f, "utf8");
  assert.ok(text.includes(from), `${file} has ${from}`);
  writeFileSync(f, text.replace(from, to));
};

describe("gate.yml's authorize step, run for real", () => {
  let repo: ReturnType<typeof prRepo>;
  let script: string;
  let runnerTemp: string;
  before(() => {
    const s = step("gate", "authorize", "ocdp authorize");
    script = s.run!;
    repo = prRepo();
    runnerTemp = tempDir("ocdp-runner-");
  });
  /** As the runner would: the step's env, RUNNER_TEMP with the commits the API listed. */
  const run = (author: string, commits?: string[][], sender = author) => {
    writeFileSync(join(runnerTemp, "commits.tsv"), (commits ?? [["0123456789abcdef", author, author]]).map((c) => `${c.join("\t")}\n`).join(""));
    return spawnSync("bash", ["-e", "-c", script], { cwd: repo.dir, encoding: "utf8",
      env: { ...process.env, RUNNER_TEMP: runnerTemp, BASE_REF: "main", PR_AUTHOR: author, PR_SENDER: sender, PR_COMMIT_COUNT: String(commits?.length ?? 1) } });
  };

  it("passes a pull request in which alice changes her own claim", () => {
    repo.pr(edit("stacks/Pulumi.lab.yaml", "storage: {size: 50Gi}", "storage: {size: 60Gi}"));
    const r = run("alice-gh");
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /allowed {2}claim cs-alice changed/);
  });
  it("fails the same change when bob pushed a commit to alice's pull request (every account behind it is judged)", () => {
    const r = run("alice-gh", [["aaaa", "alice-gh", "alice-gh"], ["bbbb", "bob-gh", "bob-gh"]], "bob-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stack lab, actor bob \(GitHub bob-gh\):\n {2}REFUSED {2}claim cs-alice changed: owned by alice, not bob/);
  });
  it("fails a pull request with a commit no GitHub account owns, or more commits than GitHub listed", () => {
    const r = run("alice-gh", [["cccc1234567890", "", "web-flow"]]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /REFUSED {2}commit cccc12345678: its author or committer is no GitHub account/);
    writeFileSync(join(runnerTemp, "commits.tsv"), "aaaa\talice-gh\talice-gh\n");
    const short = spawnSync("bash", ["-e", "-c", script], { cwd: repo.dir, encoding: "utf8",
      env: { ...process.env, RUNNER_TEMP: runnerTemp, BASE_REF: "main", PR_AUTHOR: "alice-gh", PR_SENDER: "alice-gh", PR_COMMIT_COUNT: "300" } });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /the pull request has 300 commits and GitHub listed 1/);
  });
  it("a web-editor commit (committer web-flow) is judged by its author", () => {
    const r = run("alice-gh", [["dddd", "alice-gh", "web-flow"]]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  it("fails one in which alice changes bob's claim", () => {
    repo.pr(edit("stacks/Pulumi.lab.yaml", "cache: {size: 100Gi}", "cache: {size: 200Gi}"));
    const r = run("alice-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /REFUSED {2}claim vllm-llama changed: owned by bob, not alice/);
  });
  it("fails one that adds a stack, for a non-admin, and passes it for an admin", () => {
    repo.pr((d) => writeFileSync(join(d, "stacks/Pulumi.new.yaml"), readFileSync(join(d, "stacks/Pulumi.local.yaml"))));
    const r = run("alice-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stack new, actor alice[\s\S]*REFUSED {2}ocdp:cluster added/);
    assert.equal(run("ocdp-root").status, 0);
  });
  it("judges a stack named --help as a stack, never as an option (the old loop printed help and passed)", () => {
    repo.pr((d) => writeFileSync(join(d, "stacks/Pulumi.--help.yaml"), readFileSync(join(d, "stacks/Pulumi.local.yaml"))));
    const r = run("alice-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /stack --help, actor alice \(GitHub alice-gh\):\n[\s\S]*REFUSED {2}ocdp:cluster added: ocdp:cluster needs an admin/);
    assert.doesNotMatch(r.stdout, /^Usage:/m);
  });
  it("fails stack files whose names are not stack names (a space, a newline, non-ASCII): they need an admin", () => {
    for (const name of ["Pulumi.my lab.yaml", "Pulumi.two\nlines.yaml", "Pulumi.läb.yaml"]) {
      repo.pr((d) => writeFileSync(join(d, "stacks", name), readFileSync(join(d, "stacks/Pulumi.lab.yaml"))));
      const r = run("alice-gh");
      assert.equal(r.status, 1, `${JSON.stringify(name)}: ${r.stdout}${r.stderr}`);
      // Quoted as JSON: a name with a newline cannot pass for a line of the verdicts.
      assert.ok(r.stdout.includes(`REFUSED  file ${JSON.stringify(`stacks/${name}`)} changed: not a well-formed stacks/Pulumi.<name>.yaml`), name);
    }
  });
  it("fails a merge key that would bring templates in unseen, naming the rule", () => {
    repo.pr(edit("stacks/Pulumi.lab.yaml", "  ocdp:claims:\n", "  <<: {ocdp:templates: [{id: evil}]}\n  ocdp:claims:\n"));
    const r = run("alice-gh");
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /REFUSED {2}field stacks\/Pulumi\.lab\.yaml:\d+ at [0-9a-f]{12}: merge key <<: merge keys are not accepted/);
  });
});

describe("preview.yml's diff step, run for real", () => {
  it("writes one body per stack, marker first, with the diff and the author's verdicts; says invalid/refused in GITHUB_OUTPUT", () => {
    const repo = prRepo();
    repo.pr(edit("stacks/Pulumi.lab.yaml", "storage: {size: 50Gi}", "storage: {size: 60Gi}"));
    git(repo.dir, "checkout", "-q", "pr");
    const s = step("preview", "diff", "ocdp diff and ocdp authorize");
    const out = join(repo.dir, "gh-output");
    const r = spawnSync("bash", ["-e", "-c", s.run!], { cwd: repo.dir, encoding: "utf8", env: { ...process.env, BASE_REF: "main", PR_AUTHOR: "alice-gh", GITHUB_OUTPUT: out } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const body = readFileSync(join(repo.dir, "comments/lab.md"), "utf8");
    assert.equal(body.split("\n")[0], "<!-- ocdp-diff:lab -->");
    assert.match(body, /\| cs-alice \| changed \|/);
    assert.match(body, /gate for @alice-gh: allowed/);
    assert.match(readFileSync(join(repo.dir, "comments/local.md"), "utf8"), /^<!-- ocdp-diff:local -->\n[\s\S]*No changes\./);
    assert.equal(readFileSync(out, "utf8"), "invalid=0\nrefused=0\n");
  });
});

describe("preview.yml's comment step, run against a recording GitHub client", () => {
  const script = () => step("preview", "comment", "Post or update").with!.script;
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  const runScript = async (opts: { fork?: boolean; comments: { id: number; user: { login: string; type: string }; body: string }[]; forbid?: boolean }) => {
    const dir = tempDir("ocdp-comments-");
    mkdirSync(join(dir, "c"));
    writeFileSync(join(dir, "c/lab.md"), "<!-- ocdp-diff:lab -->\nnew lab diff\n");
    const calls: string[] = [];
    let summary = "";
    const github = {
      paginate: async () => opts.comments,
      rest: { issues: {
        listComments: () => {},
        updateComment: async (a: { comment_id: number }) => { if (opts.forbid) throw Object.assign(new Error("no"), { status: 403 }); calls.push(`update ${a.comment_id}`); },
        createComment: async () => { if (opts.forbid) throw Object.assign(new Error("no"), { status: 403 }); calls.push("create"); },
      } },
    };
    const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 }, payload: { pull_request: { head: { repo: { full_name: opts.fork ? "mallory/r" : "o/r" } } } } };
    const core = { summary: { addRaw(t: string) { summary += t; return this; }, async write() {} } };
    process.env.COMMENTS = join(dir, "c");
    await new AsyncFunction("github", "context", "core", "require", script())(github, context, core, require);
    return { calls, summary };
  };
  const bot = { login: "github-actions[bot]", type: "Bot" };

  it("updates the bot's own marked comment", async () => {
    const r = await runScript({ comments: [{ id: 1, user: bot, body: "<!-- ocdp-diff:lab -->\nold" }] });
    assert.deepEqual(r.calls, ["update 1"]);
  });
  it("leaves a comment someone else wrote with the marker alone, and makes its own", async () => {
    const r = await runScript({ comments: [{ id: 2, user: { login: "mallory", type: "User" }, body: "<!-- ocdp-diff:lab -->\nbait" }] });
    assert.deepEqual(r.calls, ["create"]);
  });
  it("a fork's pull request gets the diff as the job summary, and the step succeeds", async () => {
    const r = await runScript({ fork: true, comments: [] });
    assert.deepEqual(r.calls, []);
    assert.match(r.summary, /comes from a fork[\s\S]*new lab diff/);
  });
  it("a token that may not comment (403) falls back to the summary", async () => {
    const r = await runScript({ comments: [], forbid: true });
    assert.match(r.summary, /may not comment here[\s\S]*new lab diff/);
  });
});

describe("expire.yml's script: the claims past their date stopped on a branch pushed for review", () => {
  it("stops exactly the expired running claims with GPUs, pushes a branch, writes who and what; a second day with nothing due does nothing", () => {
    let file = "";
    const { dir, origin } = prRepo((d) => {
      file = join(d, "stacks", "Pulumi.local.yaml");
      const doc = yaml.load(readFileSync(file, "utf8")) as { config: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
      doc.config["ocdp:policy"].maxRunning = "7d";
      for (const c of doc.config["ocdp:claims"]) Object.assign(c, c.name === "vllm-qwen" ? { started: "2026-12-01T00:00:00Z", expires: "2026-12-03T00:00:00Z" } : { started: "2026-12-01T00:00:00Z", expires: "2026-12-08T00:00:00Z" });
      writeFileSync(file, yaml.dump(doc, { noRefs: true }));
    });
    const before = readFileSync(file, "utf8");
    const out = join(tempDir("ocdp-gh-"), "output");
    writeFileSync(out, "");
    const run = (at: string) => spawnSync("bash", [join(dir, "scripts/ci/expire.sh"), "--at", at], { cwd: dir, encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: out } });
    const r = run("2026-12-05T00:00:00Z");
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const branch = /^branch=(ocdp\/expire-[0-9-]+)$/m.exec(readFileSync(out, "utf8"))?.[1];
    assert.ok(branch, readFileSync(out, "utf8"));
    assert.match(git(origin, "branch", "--list"), new RegExp(branch.replace("/", "\\/")), "pushed to origin");
    const changed = git(dir, "diff", "main", branch, "--", "stacks/Pulumi.local.yaml").split("\n").filter((l) => /^[+-][^+-]/.test(l));
    assert.deepEqual(changed.map((l) => l.replace(/\s+/g, "")), ["+state:stopped"], "one line added");
    const after = git(dir, "show", `${branch}:stacks/Pulumi.local.yaml`);
    const line = after.indexOf("state: stopped");
    assert.ok(after.lastIndexOf("name: vllm-qwen", line) > after.lastIndexOf("name: cs-alice", line), "in vllm-qwen's claim");
    assert.equal(after.replace(/\n\s+state: stopped/, ""), before.replace(/\n$/, ""), "nothing else moves");
    const body = readFileSync(join(dir, "expire-body.md"), "utf8");
    assert.match(body, /### stack `local`/);
    assert.match(body, /vllm-qwen +bob +team-a +1 +2026-12-03T00:00:00Z \(2d ago\)/);
    assert.doesNotMatch(body, /cs-alice/);
    git(dir, "checkout", "-q", "main");
    const quiet = run("2026-12-02T00:00:00Z");
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(quiet.stdout, /^nothing expired$/m);
    assert.equal(git(origin, "branch", "--list").split("\n").length, 2, "main and the one branch: nothing new pushed");
  });
});

describe("deploy.yml and drift.yml: per-stack jobs that run scripts of the repository", () => {
  for (const [name, job] of [["deploy", "deploy"], ["drift", "drift"]] as const) {
    it(`${name}.yml: one job per stack, queued in the stack's deploy group, every run step a script`, () => {
      const j = workflow(name).jobs[job] as Job & { concurrency: { group: string; "cancel-in-progress": boolean }; strategy: { matrix: { stack: string } } };
      assert.equal(j.concurrency.group, "deploy-${{ matrix.stack }}");
      assert.equal(j.concurrency["cancel-in-progress"], false);
      assert.match(j.strategy.matrix.stack, /fromJSON\(needs\.[a-z]+\.outputs\.stacks\)/);
      for (const s of Object.values(workflow(name).jobs).flatMap((x) => x.steps)) {
        if (s.run) assert.match(s.run, /^(npm run setup|scripts\/ci\/[a-z-]+\.sh)$/, `${name}.yml runs ${s.run}`);
      }
    });
  }

  const recordingGh = (pulls: string) => {
    const bin = tempDir("ocdp-gh-");
    writeFileSync(join(bin, "gh"), `#!/bin/sh\necho "$*" >> "${join(bin, "log")}"\ncase "$*" in *"/pulls --jq"*) printf '${pulls}' ;; esac\n`, { mode: 0o755 });
    writeFileSync(join(bin, "log"), "");
    return bin;
  };
  it("deploy-post.sh posts the commit status, then the comment on each pull request GitHub lists for the commit", () => {
    const bin = recordingGh("12\\n15\\n");
    const out = tempDir("ocdp-deploy-out-");
    writeFileSync(join(out, "status-lab.json"), '{"state":"success"}\n');
    writeFileSync(join(out, "comment-lab.md"), "cs-b ready\n");
    const r = spawnSync("bash", [join(ROOT, "scripts/ci/deploy-post.sh")], { encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STACK: "lab", GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "abc123", OUT_DIR: out } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(readFileSync(join(bin, "log"), "utf8").trim().split("\n"), [
      `api --method POST repos/o/r/statuses/abc123 --input ${out}/status-lab.json`,
      "api repos/o/r/commits/abc123/pulls --jq .[].number",
      `api --method POST repos/o/r/issues/12/comments -F body=@${out}/comment-lab.md`,
      `api --method POST repos/o/r/issues/15/comments -F body=@${out}/comment-lab.md`,
    ]);
  });
  it("deploy-post.sh fails, saying why, when deploy.sh stopped before its report", () => {
    const bin = recordingGh("");
    const r = spawnSync("bash", [join(ROOT, "scripts/ci/deploy-post.sh")], { encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, STACK: "lab", GITHUB_REPOSITORY: "o/r", GITHUB_SHA: "abc123", OUT_DIR: tempDir("ocdp-empty-") } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /stack lab: deploy.sh reported nothing/);
    assert.equal(readFileSync(join(bin, "log"), "utf8"), "", "nothing posted");
  });
});
