// Docs that cannot rot silently: every relative link of README.md and docs/*.md resolves (file and
// heading); every `ocdp <command>` they show names a real command and only options its usage lists; and
// every ```console example of an offline command is run here, in a copy of the project, and must print
// exactly what the doc shows. (Examples that need a cluster are ```text blocks; the first-run one is
// checked line by line by test/e2e/up.test.ts.) Each check is shown to fail on a broken variant.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { before, describe, it } from "node:test";
import { commands } from "../../src/cli/main";
import { gitScratchProject, ocdp, ROOT } from "../helpers";

const files = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const read = (f: string) => readFileSync(join(ROOT, f), "utf8");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
const anchors = (text: string) => new Set(text.split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, ""))));
/** Text outside fenced blocks (links in code are not links). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "");

/** Broken relative links of one markdown file: `[x](path)`, `[x](path#anchor)`, `[x](#anchor)`. */
export function brokenLinks(file: string, text: string, readOther: (path: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
    const [path, anchor] = target.split("#");
    const full = path ? resolve(dirname(join(ROOT, file)), path) : join(ROOT, file);
    const other = path ? readOther(full) : text;
    if (other === undefined) { out.push(`${file}: ${target}: no such file`); continue; }
    if (anchor && full.endsWith(".md") && !anchors(other).has(anchor)) out.push(`${file}: ${target}: no heading #${anchor}`);
  }
  return out;
}

/** Every `ocdp <command> ...` shown: in code blocks line by line, in inline code whole (it may wrap). */
function mentions(text: string): string[] {
  const found: string[] = [];
  for (const block of text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)) {
    for (const line of block[1].split("\n")) {
      // `npx ocdp x`, `$ ocdp x`, `node bin/ocdp.js x`, or a line that starts with `ocdp x` (not a role named ocdp).
      const m = /(?:^\s*|\$ |npx )ocdp ([a-z][\w|\\-]*.*)$|bin\/ocdp\.js ([a-z][\w|\\-]*.*)$/.exec(line);
      if (m) found.push(m[1] ?? m[2]);
    }
  }
  for (const m of prose(text).matchAll(/`([^`]+)`/g)) {
    const code = m[1].replace(/\s+/g, " ");
    const c = /^(?:npx |\$ )?ocdp ([a-z][\w|\\-]*.*)$/.exec(code);
    if (c) found.push(c[1]);
  }
  return found;
}

/** What is wrong with one mention: an unknown command, or an option its usage does not list. */
export function badMention(mention: string): string | undefined {
  const [names, ...rest] = mention.split(" ");
  // `up\|down` in a table cell: each alternative is a command.
  for (const name of names.split(/\\?\|/)) {
    const cmd = commands[name];
    if (!cmd) return `ocdp ${name}: no such command`;
    for (const flag of rest.join(" ").matchAll(/(?:^|[\s[(|])(--[a-z][a-z-]*)/g)) {
      if (!cmd.usage.includes(flag[1]) && flag[1] !== "--help") return `ocdp ${mention}: ${flag[1]} is not an option of ocdp ${name}`;
    }
  }
  return undefined;
}

interface Example { file: string; command: string; output: string }
/** ```console blocks: `$ npx ocdp ...` lines, each followed by the output it must print. */
function consoleExamples(file: string, text: string): Example[] {
  const out: Example[] = [];
  for (const block of text.matchAll(/^```console\n([\s\S]*?)^```/gm)) {
    let current: Example | undefined;
    for (const line of block[1].replace(/\n$/, "").split("\n")) {
      if (line.startsWith("$ ")) { current = { file, command: line.slice(2), output: "" }; out.push(current); continue; }
      if (current) current.output += `${line}\n`;
    }
  }
  return out;
}

/** Commands a doc may show as a runnable example: they need no cluster. */
const OFFLINE = new Set(["render", "usage", "templates", "schema", "validate", "diff", "authorize"]);

/** Runs one example in `dir`; what differs from the doc, or undefined. */
export function exampleProblem(dir: string, e: Example): string | undefined {
  const m = /^(?:npx )?ocdp (.*)$/.exec(e.command);
  if (!m) return `${e.file}: "${e.command}": a console example runs ocdp (npx ocdp ...)`;
  const args = m[1].split(/\s+/);
  if (!OFFLINE.has(args[0])) return `${e.file}: "${e.command}" needs a cluster: show it as a text block, not a console example`;
  const r = ocdp(dir, args);
  const norm = (s: string) => s.split("\n").map((l) => l.trimEnd()).join("\n").trimEnd();
  const got = norm(r.out + r.err);
  return got === norm(e.output) ? undefined : `${e.file}: "${e.command}" printed:\n${got}\n--- the doc shows:\n${norm(e.output)}`;
}

describe("docs that cannot rot silently", () => {
  let dir: string;
  before(() => { dir = gitScratchProject(); });
  const readOther = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : undefined);

  it("README says what the guides are, and each guide exists", () => {
    for (const g of ["users", "admins", "pull-requests", "design", "benchmarks", "development"]) {
      assert.ok(read("README.md").includes(`(docs/${g}.md)`), g);
      assert.ok(existsSync(join(ROOT, "docs", `${g}.md`)), g);
    }
  });
  it("README reads in about five minutes: under 150 lines", () => {
    assert.ok(read("README.md").split("\n").length < 150, `${read("README.md").split("\n").length} lines`);
  });
  for (const f of files) {
    it(`${f}: every relative link resolves, file and heading`, () => {
      assert.deepEqual(brokenLinks(f, read(f), readOther), []);
    });
    it(`${f}: every ocdp command shown exists, with options its usage lists`, () => {
      const bad = mentions(read(f)).map(badMention).filter(Boolean);
      assert.deepEqual(bad, []);
    });
    it(`${f}: every console example prints what the doc shows`, () => {
      const problems = consoleExamples(f, read(f)).map((e) => exampleProblem(dir, e)).filter(Boolean);
      assert.deepEqual(problems, []);
    });
  }
  it("there are console examples to run (the check is not vacuous)", () => {
    assert.ok(files.flatMap((f) => consoleExamples(f, read(f))).length >= 2);
  });

  describe("each check fails on a broken variant", () => {
    it("a link to a missing file, and to a missing heading", () => {
      const text = "See [a](docs/nope.md) and [b](docs/users.md#no-such-heading) and [c](#nowhere), but [d](docs/users.md#a-claim) is fine.";
      assert.deepEqual(brokenLinks("README.md", text, readOther), [
        "README.md: docs/nope.md: no such file", "README.md: docs/users.md#no-such-heading: no heading #no-such-heading", "README.md: #nowhere: no heading #nowhere"]);
    });
    it("a command that does not exist, and an option a command does not have", () => {
      assert.match(badMention("deploy --stack lab")!, /no such command/);
      assert.match(badMention("render --stack lab --colour")!, /--colour is not an option of ocdp render/);
      assert.equal(badMention("render --stack lab --claim cs-alice"), undefined);
    });
    it("an example whose output changed", () => {
      const [e] = consoleExamples("README.md", read("README.md")).filter((x) => x.command.includes("usage"));
      assert.ok(e, "README has the usage example");
      assert.equal(exampleProblem(dir, e), undefined);
      const changed = { ...e, output: e.output.replace("2/4", "3/4") };
      assert.match(exampleProblem(dir, changed)!, /printed:/);
    });
    it("a console example of a command that needs a cluster", () => {
      assert.match(exampleProblem(dir, { file: "x.md", command: "npx ocdp status --stack local", output: "" })!, /needs a cluster/);
    });
  });
});
