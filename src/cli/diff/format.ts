// A stack diff as text, JSON, or a pull-request comment in Markdown (summary first, details folded,
// the whole kept under GitHub's comment limit by truncating details, never the summary).
import type { ClaimDiff, ObjectChange } from "./compare";

export const GITHUB_COMMENT_LIMIT = 65_536;
/** Claims listed one by one in a PR comment's summary; the rest are counted. */
export const SUMMARY_CLAIMS = 50;
/** A changed value is shown up to this many characters. */
const VALUE_MAX = 120;
const show = (v: unknown) => {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length > VALUE_MAX ? `${s.slice(0, VALUE_MAX)}… (${s.length} chars)` : s;
};

function counts(d: ClaimDiff) {
  const c = { added: 0, removed: 0, changed: 0, data: 0 };
  for (const o of d.objects) {
    c[o.change]++;
    if (o.dataBearing) c.data++;
  }
  return c;
}

function objectLines(o: ObjectChange): string[] {
  const mark = o.change === "added" ? "+" : o.change === "removed" ? "-" : "~";
  const head = `${mark} ${o.id}${o.dataBearing ? "  [DATA: removing it deletes stored data]" : ""}`;
  return [head, ...(o.fields ?? []).map((f) => `    ${f.path}: ${show(f.old)} -> ${show(f.new)}`)];
}

/**
 * Budgets broken at head (and at base, for context), and each workspace whose GPUs or running/stopped
 * claims change: `[base, head]`.
 */
export interface BudgetNotes {
  base: string[];
  head: string[];
  load?: { workspace: string; gpus: [number, number]; running: [number, number]; stopped: [number, number] }[];
}

const arrow = ([b, h]: [number, number]) => (b === h ? `${h}` : `${b} → ${h}`);

export function formatText(stack: string, diffs: ClaimDiff[], budget: BudgetNotes = { base: [], head: [] }): string {
  const lines: string[] = [];
  for (const d of diffs.filter((x) => x.status !== "unchanged")) {
    lines.push(`claim ${d.claim}: ${d.status}${d.state ? ` (${STATE[d.state]})` : ""}`);
    if (d.errors?.base) lines.push(`  render failed at base: ${d.errors.base}`);
    if (d.errors?.head) lines.push(`  render failed at head: ${d.errors.head}`);
    for (const o of d.objects) lines.push(...objectLines(o).map((l) => `  ${l}`));
  }
  for (const b of budget.head) lines.push(`over budget at head: ${b}`);
  for (const l of budget.load ?? []) lines.push(`workspace ${l.workspace}: GPUs ${arrow(l.gpus)}; claims running ${arrow(l.running)}, stopped ${arrow(l.stopped)}`);
  lines.push(`stack ${stack}: ${tally(diffs)}`);
  return `${lines.join("\n")}\n`;
}

export const QUOTA_TEMPLATE = "(quota)";

/** A stopped claim holds no GPUs, CPU or memory: the PR says so beside its status. */
const STATE: Record<NonNullable<ClaimDiff["state"]>, string> = { stops: "stops: its pods go, its GPUs return to the workspace", starts: "starts again", stopped: "stopped" };

/** "2 of 5 claims changed[, 1 workspace quota changed]": quotas are entries, not claims. */
function tally(diffs: ClaimDiff[]): string {
  const claims = diffs.filter((d) => d.template !== QUOTA_TEMPLATE);
  const quotas = diffs.filter((d) => d.template === QUOTA_TEMPLATE && d.status !== "unchanged").length;
  return `${claims.filter((d) => d.status !== "unchanged").length} of ${claims.length} claims changed${quotas ? `, ${quotas} workspace quota(s) changed` : ""}`;
}

/** Claims changed per template and workspace: a summary whose size does not grow with the claims. */
function groupCounts(changed: ClaimDiff[]): string[] {
  const groups = new Map<string, Record<ClaimDiff["status"], number>>();
  for (const d of changed) {
    const key = `${d.template || "?"}\0${d.workspace || "?"}`;
    const g = groups.get(key) ?? { added: 0, removed: 0, changed: 0, failed: 0, unchanged: 0 };
    g[d.status]++;
    groups.set(key, g);
  }
  const rows = [...groups].sort(([a], [b]) => a.localeCompare(b));
  const shown = rows.slice(0, SUMMARY_CLAIMS).map(([k, g]) => {
    const [t, w] = k.split("\0");
    return `| ${t} | ${w} | ${g.added} | ${g.changed} | ${g.removed} | ${g.failed ? `:x: ${g.failed}` : 0} |`;
  });
  if (rows.length > SUMMARY_CLAIMS) shown.push(`| _and ${rows.length - SUMMARY_CLAIMS} more template/workspace pairs_ | | | | | |`);
  return ["| template | workspace | added | changed | removed | failing |", "|---|---|---|---|---|---|", ...shown];
}

/**
 * A PR comment, bounded whatever the number of claims: counts per template and workspace, the first
 * SUMMARY_CLAIMS claims, "and N more", then folded details while they fit under `limit`.
 */
export function formatMarkdown(stack: string, diffs: ClaimDiff[], limit = GITHUB_COMMENT_LIMIT, budget: BudgetNotes = { base: [], head: [] }): string {
  const changed = diffs.filter((x) => x.status !== "unchanged");
  const data = changed.reduce((n, d) => n + counts(d).data, 0);
  const summary = [
    `### ocdp diff: stack \`${stack}\``,
    "",
    changed.length ? `${tally(diffs)}${data ? `; **${data} data-bearing object(s) removed**` : ""}.` : "No changes.",
    "",
  ];
  if (budget.load?.length) {
    summary.push("| workspace | GPUs | running claims | stopped claims |", "|---|---|---|---|",
      ...budget.load.slice(0, 20).map((l) => `| ${l.workspace} | ${arrow(l.gpus)} | ${arrow(l.running)} | ${arrow(l.stopped)} |`), "");
  }
  if (budget.head.length) {
    summary.push(`**Over budget at head** (preview and up will refuse it):`, ...budget.head.slice(0, 20).map((b) => `- ${b.replace(/[|`]/g, " ")}`),
      ...(budget.head.length > 20 ? [`- and ${budget.head.length - 20} more`] : []), "");
  }
  if (changed.length) {
    summary.push(...groupCounts(changed), "");
    summary.push("| claim | status | added | changed | removed | data at risk |", "|---|---|---|---|---|---|");
    for (const d of changed.slice(0, SUMMARY_CLAIMS)) {
      const c = counts(d);
      summary.push(`| ${d.claim} | ${d.status}${d.state ? ` (${STATE[d.state]})` : ""}${d.errors ? " :x:" : ""} | ${c.added} | ${c.changed} | ${c.removed} | ${c.data ? `:warning: ${c.data}` : ""} |`);
    }
    if (changed.length > SUMMARY_CLAIMS) summary.push(`| _and ${changed.length - SUMMARY_CLAIMS} more claims_ | | | | | |`);
    summary.push("");
  }
  const head = summary.join("\n");
  const note = "\n_Details truncated to fit a GitHub comment; run `ocdp diff` locally for all of them._\n";
  let body = "";
  let truncated = false;
  for (const d of changed) {
    const inner = [
      ...(d.errors?.base ? [`render failed at base: ${d.errors.base}`] : []),
      ...(d.errors?.head ? [`render failed at head: ${d.errors.head}`] : []),
      ...d.objects.flatMap(objectLines),
    ].join("\n").replace(/```/g, "` ` `");
    const section = `<details><summary>${d.claim}: ${d.status}</summary>\n\n\`\`\`diff\n${inner}\n\`\`\`\n</details>\n`;
    if (head.length + body.length + section.length + note.length > limit) {
      truncated = true;
      break;
    }
    body += section;
  }
  return head + body + (truncated ? note : "");
}
