// A stack diff as text, JSON, or a pull-request comment in Markdown (summary first, details folded,
// the whole kept under GitHub's comment limit by truncating details, never the summary).
import type { ClaimDiff, ObjectChange } from "./compare";

export const GITHUB_COMMENT_LIMIT = 65_536;
const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));

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

export function formatText(stack: string, diffs: ClaimDiff[]): string {
  const lines: string[] = [];
  for (const d of diffs.filter((x) => x.status !== "unchanged")) {
    lines.push(`claim ${d.claim}: ${d.status}`);
    if (d.errors?.base) lines.push(`  render failed at base: ${d.errors.base}`);
    if (d.errors?.head) lines.push(`  render failed at head: ${d.errors.head}`);
    for (const o of d.objects) lines.push(...objectLines(o).map((l) => `  ${l}`));
  }
  const changed = diffs.filter((x) => x.status !== "unchanged").length;
  lines.push(`stack ${stack}: ${changed} of ${diffs.length} claims changed`);
  return `${lines.join("\n")}\n`;
}

export function formatMarkdown(stack: string, diffs: ClaimDiff[], limit = GITHUB_COMMENT_LIMIT): string {
  const changed = diffs.filter((x) => x.status !== "unchanged");
  const data = changed.reduce((n, d) => n + counts(d).data, 0);
  const summary = [
    `### ocdp diff: stack \`${stack}\``,
    "",
    changed.length ? `${changed.length} of ${diffs.length} claims change${data ? `; **${data} data-bearing object(s) removed**` : ""}.` : "No changes.",
    "",
  ];
  if (changed.length) {
    summary.push("| claim | status | added | changed | removed | data at risk |", "|---|---|---|---|---|---|");
    for (const d of changed) {
      const c = counts(d);
      summary.push(`| ${d.claim} | ${d.status}${d.errors ? " :x:" : ""} | ${c.added} | ${c.changed} | ${c.removed} | ${c.data ? `:warning: ${c.data}` : ""} |`);
    }
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
