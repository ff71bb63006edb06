// Typed errors. User errors carry where they are (stack, claim or template, field) and the rule broken;
// the CLI and the Pulumi entry point print them as a list, never as a stack trace.

export interface Issue {
  stack?: string;
  /** The claim the problem belongs to, when there is one. */
  claim?: string;
  /** Otherwise the template or preset. */
  template?: string;
  /** Dotted path of the offending field, e.g. `values.gpu.count`. */
  field: string;
  /** The rule, in words a user can act on. */
  rule: string;
}

/** Bad input: exit 1, every issue listed. */
export class ValidationError extends Error {
  constructor(readonly issues: Issue[]) {
    super(formatIssues(issues));
    this.name = "ValidationError";
  }
}

/** Wrong command line: exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A tool (helm, kustomize, git) failed on input that passed validation: exit 1, with the tool's words. */
export class RenderError extends Error {
  constructor(readonly where: Omit<Issue, "rule">, readonly step: string, detail: string) {
    super(`${locate(where)}: ${step} failed: ${detail.trim()}`);
    this.name = "RenderError";
  }
}

function locate(i: Omit<Issue, "rule">): string {
  const parts: string[] = [];
  if (i.stack) parts.push(`stack ${i.stack}`);
  if (i.claim) parts.push(`claim ${i.claim}`);
  if (i.template) parts.push(`template ${i.template}`);
  if (i.field) parts.push(`field ${i.field}`);
  return parts.join(", ");
}

export function formatIssue(i: Issue): string {
  return `${locate(i)}: ${i.rule}`;
}

export function formatIssues(issues: Issue[]): string {
  const n = issues.length;
  return [`${n} problem${n === 1 ? "" : "s"} found:`, ...issues.map((i) => `  - ${formatIssue(i)}`)].join("\n");
}

/** Collects issues across a pass so that every problem is reported at once. */
export class IssueList {
  readonly items: Issue[] = [];
  add(issue: Issue): void {
    this.items.push(issue);
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
  throwIfAny(): void {
    if (!this.empty) throw new ValidationError(this.items);
  }
}

/** The most of a value an error message shows: enough to recognise it, never a whole long value. */
export const SHOWN_MAX = 32;

/** A value as an error may quote it: scalars as JSON cut to SHOWN_MAX characters, containers by size. */
export function shown(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v && typeof v === "object") return `an object of ${Object.keys(v).length} key(s)`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > SHOWN_MAX ? `${s.slice(0, SHOWN_MAX - 1)}…${s.startsWith('"') ? '"' : ""} (${s.length} chars)` : s;
}
