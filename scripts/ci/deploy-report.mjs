// What deploy.sh reports for one stack: the commit status (GitHub's statuses API body) and the comment
// for the pull requests merged into the commit, from `ocdp status --json` after `pulumi up` and the
// claims the merge touched (`ocdp diff --format json` of the commit against its first parent). Prints
// each claim that is not ready, with the reason, and exits 1 when the up failed or a claim is not ready.
//   --stack S --commit SHA --up <exit of ocdp up> --status F --status-err F --touched F --run-url U --out DIR
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: o } = parseArgs({ options: Object.fromEntries(["stack", "commit", "up", "status", "status-err", "touched", "run-url", "out"].map((k) => [k, { type: "string" }])) });
const read = (f) => (f && existsSync(f) ? readFileSync(f, "utf8") : "");
const claims = JSON.parse(read(o.status) || '{"claims":[]}').claims ?? [];
const touchedDoc = read(o.touched) ? JSON.parse(read(o.touched)) : undefined;
const touched = touchedDoc ? touchedDoc.claims.filter((c) => c.status !== "unchanged" && !c.claim.startsWith("workspace/")) : undefined;
const upFailed = o.up !== "0";
const settled = (s) => s.state === "ready" || s.state === "stopped";
const byName = new Map(claims.map((c) => [c.claim, c]));
const notReady = claims.filter((c) => !settled(c));
const statusError = read(o["status-err"]).trim().split("\n")[0] ?? "";

// The claims the comment lists: those the merge touched (or all, on a first deploy).
const listed = touched ?? claims.map((c) => ({ claim: c.claim, status: "deployed" }));
const row = (t) => {
  if (t.status === "removed") return `| ${t.claim} | removed | - | |`;
  const s = byName.get(t.claim);
  if (!s) return `| ${t.claim} | not found on the cluster | - | ${upFailed ? "the update failed (see the run)" : statusError} |`;
  const url = s.endpoints?.[0]?.url ?? "-";
  return `| ${t.claim} | ${s.state === "ready" ? "ready" : s.state === "stopped" ? "stopped" : `**not ready** (${s.state})`} | ${url} | ${settled(s) ? "" : s.reason} |`;
};
const ok = !upFailed && notReady.length === 0;
const short = o.commit.slice(0, 12);
const why = upFailed ? "pulumi up failed" : notReady.length ? `not ready: ${notReady.map((c) => c.claim).join(", ")}` : "every claim ready";
const comment = [
  `<!-- ocdp-deploy:${o.stack} -->`,
  `### ocdp deploy: stack \`${o.stack}\` at ${short}: ${ok ? "deployed" : "**failed**"}`,
  "",
  listed.length ? "| claim | state | endpoint | reason |\n|---|---|---|---|" : "No claim of this stack changed in this merge.",
  ...listed.map(row),
  "",
  ...(upFailed ? ["`pulumi up` failed: the run's log says why; nothing deployed was deleted. The next merge, or a run by hand, deploys it again."] : []),
  ...(o["run-url"] ? [`[The run](${o["run-url"]})`] : []),
  "",
].join("\n");
const status = {
  state: ok ? "success" : "failure",
  context: `ocdp-deploy/${o.stack}`,
  description: `${ok ? "deployed" : "failed"}: ${why}`.slice(0, 140),
  ...(o["run-url"] ? { target_url: o["run-url"] } : {}),
};
mkdirSync(o.out, { recursive: true });
writeFileSync(join(o.out, `comment-${o.stack}.md`), comment);
writeFileSync(join(o.out, `status-${o.stack}.json`), `${JSON.stringify(status)}\n`);
for (const c of notReady) process.stderr.write(`stack ${o.stack}, claim ${c.claim}: not ready (${c.state}): ${c.reason}\n`);
if (upFailed) process.stderr.write(`stack ${o.stack}: pulumi up failed (exit ${o.up})\n`);
process.exit(ok ? 0 : 1);
