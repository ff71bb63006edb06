// One reading of a stack file: ocdp's loader (what the gate, diff and render judge) against Pulumi's own
// reading, by the pinned CLI (`pulumi config --json`, the very loader that hands config to the program)
// and by the real engine running a tiny program that prints `pulumi.runtime.allConfig()`. For every file
// the loader accepts, the readings are equal; every hostile class is refused with its rule, and for each
// one, the reading the gate used to make (YAML 1.2 defaults, ocdp: keys only) is shown to differ from
// Pulumi's, so the corpus cases are hostile for real.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { readProjectFile, readStackFile, effectiveConfig } from "../../src/config/configFile";
import { readingDifferences } from "../../src/config/sameReading";
import { ValidationError } from "../../src/config/errors";
import { ROOT, tempDir } from "../helpers";
import { pulumi, pulumiEnv } from "../pulumiEnv";

const PROJECT = readFileSync(join(ROOT, "Pulumi.yaml"), "utf8").replace(/^runtime:[\s\S]*?(?=^stackConfigDir)/m, "runtime: nodejs\nmain: program.js\n");
const SMALL_PROJECT = "name: ocdp\nruntime: nodejs\nmain: program.js\nstackConfigDir: stacks\n";
const LIST_PROJECT = `${SMALL_PROJECT}config:\n  ocdp:allowedConfigKeys:\n    value: [kubernetes:context]\n`;

interface Case {
  name: string;
  stack: string;
  project?: string;
  /** undefined: accepted; else a substring of the refusal. */
  refused?: string;
  /** The old reading (YAML 1.2 defaults, ocdp: keys only) differs from Pulumi's, or Pulumi refuses the file. */
  hostile?: boolean;
}

const claim = (values: string) => `config:\n  ocdp:claims:\n    - name: a\n      templateId: code-server\n      workspaceId: nlp\n      owner: {user: alice}\n      values: ${values}\n`;

const cases: Case[] = [
  { name: "the lab stack", stack: readFileSync(join(ROOT, "stacks/Pulumi.lab.yaml"), "utf8"), project: PROJECT },
  { name: "the local stack", stack: readFileSync(join(ROOT, "stacks/Pulumi.local.yaml"), "utf8"), project: PROJECT },
  { name: "flow, block, quoting, folding, comments", stack: `# a stack\n---\nconfig:\n  ocdp:claims:\n    - name: "a" # trailing\n      values:\n        yes1: yes\n        on: off\n        y: n\n        nothing: ~\n        empty:\n        nul: null\n        ints: [0, -1, 42, 9007199254740991]\n        floats: [1.5, -0.25, 1e3, .5]\n        bools: [true, false, True, FALSE]\n        text: 'it''s'\n        esc: "caf\\u00e9 \\t tab"\n        utf: 日本 é\n        literal: |\n          line one\n            indented\n        folded: >-\n          folded\n          text\n        plain: a plain\n          multi-line scalar\n        keys: {"ocdp.io/claim": x, app.kubernetes.io/name: y, "1": one}\n        quoted: ["017", "1_000", "2026-12-06", "0b101", ".inf", "<<"]\n...\n` },
  { name: "CRLF line ends and a leading byte-order mark", stack: `\ufeffconfig:\r\n  ocdp:claims:\r\n    - {name: a, values: {x: "1"}}\r\n` },
  { name: "a team stack's encryptionsalt", stack: "encryptionsalt: v1:c2FsdA==:v1:YWJj:ZGVm\nconfig:\n  ocdp:claims: []\n" },
  { name: "another provider's key, listed by an admin", stack: "config:\n  kubernetes:context: lab\n  ocdp:claims: []\n", project: LIST_PROJECT },

  { name: "a merge key into config", stack: "config:\n  ocdp:claims: []\n  <<: {ocdp:templates: [{id: evil}]}\n", refused: "merge key <<", hostile: true },
  { name: "a merge key inside a claim", stack: claim("{<<: {gpu: {count: 8}}}"), refused: "merge key <<", hostile: true },
  { name: "U+2028 in a comment", stack: "config:\n  ocdp:claims: []\n  # note\u2028  ocdp:templates: []\n", refused: "U+2028", hostile: true },
  { name: "U+2029 in a scalar", stack: "config:\n  ocdp:claims: [{name: a\u2029}]\n", refused: "U+2029" },
  { name: "U+0085 in a comment", stack: "config:\n  ocdp:claims: []\n  # note\u0085  ocdp:templates: []\n", refused: "U+0085", hostile: true },
  { name: "a byte-order mark past the start", stack: "config:\n  ocdp:claims: []\n\ufeff", refused: "byte-order mark" },
  { name: "a control character", stack: "config:\n  ocdp:claims: [{name: \"a\u0007\"}]\n", refused: "control character U+0007" },
  { name: "a lone carriage return", stack: "config:\n  ocdp:claims: []\r  ocdp:templates: []\n", refused: "carriage return" },
  { name: "the namespaced ocdp:config:claims form", stack: "config:\n  ocdp:config:claims: [{name: a}]\n", refused: "<namespace>:config:<key> form", hostile: true },
  { name: "ocdp:config:claims beside ocdp:claims", stack: "config:\n  ocdp:claims: []\n  ocdp:config:claims: [{name: a}]\n", refused: "<namespace>:config:<key> form" },
  { name: "a bare key (Pulumi namespaces it)", stack: "config:\n  claims: [{name: a}]\n", refused: "has no namespace", hostile: true },
  { name: "a key of another namespace, not listed", stack: "config:\n  kubernetes:kubeconfig: x\n  ocdp:claims: []\n", refused: "kubernetes:kubeconfig is not this project's", hostile: true },
  { name: "a pulumi: key", stack: "config:\n  pulumi:disable-default-providers: ['*']\n", refused: "pulumi:disable-default-providers is not this project's", hostile: true },
  { name: "an unknown ocdp: key", stack: "config:\n  ocdp:claim: []\n", refused: "unknown key ocdp:claim" },
  { name: "ocdp:allowedConfigKeys in a stack", stack: "config:\n  ocdp:allowedConfigKeys: [kubernetes:context]\n", refused: "Pulumi.yaml only" },
  { name: "secretsprovider at the top", stack: "secretsprovider: awskms://alias/x\nconfig:\n  ocdp:claims: []\n", refused: "top-level key \"secretsprovider\"" },
  { name: "an environment at the top", stack: "environment: [team/env]\nconfig:\n  ocdp:claims: []\n", refused: "top-level key \"environment\"" },
  { name: "an anchor and an alias", stack: "config:\n  ocdp:claims:\n    - &c {name: a}\n    - *c\n", refused: "anchors and aliases" },
  { name: "an explicit tag", stack: claim("{n: !!int \"017\"}"), refused: "explicit tags" },
  { name: "an octal-looking number", stack: claim("{n: 017}"), refused: "leading zero", hostile: true },
  { name: "a number with underscores", stack: claim("{n: 1_000}"), refused: "underscore", hostile: true },
  { name: "a binary number", stack: claim("{n: 0b101}"), refused: "0x/0o/0b prefix", hostile: true },
  { name: "a date", stack: claim("{expires: 2026-12-06}"), refused: "a date or time", hostile: true },
  { name: "infinity", stack: claim("{n: .inf}"), refused: "infinity", hostile: true },
  { name: "an integer beyond 2^53", stack: claim("{n: 12345678901234567890}"), refused: "beyond what JSON carries" },
  { name: "a non-string key", stack: claim("{1: one}"), refused: "keys must be strings" },
  { name: "a %YAML directive", stack: "%YAML 1.1\n---\nconfig:\n  ocdp:claims: []\n", refused: "YAML directives" },
  { name: "two documents", stack: "config:\n  ocdp:claims: []\n---\nconfig:\n  ocdp:claims: [{name: a}]\n", refused: "more than one YAML document", hostile: true },
  { name: "a duplicate key", stack: "config:\n  ocdp:claims: []\n  ocdp:claims: [{name: a}]\n", refused: "not valid YAML" },
  { name: "invalid UTF-8", stack: "config:\n  ocdp:claims: [{name: \"\\xff\"}]\n", refused: "not valid UTF-8" },
  { name: "project config not as {value: ...}", stack: "config:\n  ocdp:claims: []\n", project: `${SMALL_PROJECT}config:\n  ocdp:templates: [{id: x}]\n`, refused: "must be written as {value: ...}" },
  { name: "a bare key in Pulumi.yaml", stack: "config:\n  ocdp:claims: []\n", project: `${SMALL_PROJECT}config:\n  templates:\n    value: [{id: x}]\n`, refused: "has no namespace", hostile: true },
];

/** The bytes of a case: "\xff" in the text stands for that byte (invalid UTF-8 on purpose). */
const bytes = (text: string) => (text.includes("\\xff") ? Buffer.concat(text.split("\\xff").flatMap((p, i) => (i ? [Buffer.from([0xff]), Buffer.from(p)] : [Buffer.from(p)]))) : Buffer.from(text));

/** ocdp's reading: the full config, or the refusal's text. */
function loaderReading(c: Case): { config?: Record<string, unknown>; refused?: string } {
  try {
    const project = readProjectFile(Buffer.from(c.project ?? SMALL_PROJECT));
    return { config: effectiveConfig(project, readStackFile(bytes(c.stack), "stacks/Pulumi.t.yaml", project.allowedKeys)) };
  } catch (e) {
    if (e instanceof ValidationError) return { refused: e.message };
    throw e;
  }
}

/** The reading the gate made before: YAML 1.2 defaults, `ocdp:` keys of both files, values unwrapped. */
function oldReading(c: Case): Record<string, unknown> | undefined {
  try {
    const p = parse(c.project ?? SMALL_PROJECT) as { config?: Record<string, { value?: unknown }> };
    const s = parse(bytes(c.stack).toString("utf8")) as { config?: Record<string, unknown> };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p?.config ?? {})) if (k.startsWith("ocdp:")) out[k] = v && typeof v === "object" && "value" in v ? v.value : v;
    for (const [k, v] of Object.entries(s?.config ?? {})) if (k.startsWith("ocdp:")) out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

describe("one reading of a stack file: ocdp's loader and Pulumi's", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const write = (c: Case, file = "stacks/Pulumi.t.yaml") => {
    writeFileSync(join(dir, "Pulumi.yaml"), c.project ?? SMALL_PROJECT);
    writeFileSync(join(dir, file), bytes(c.stack));
  };
  /** Pulumi's reading by the CLI: key -> the string it hands the program; or its error. */
  const pulumiReading = async (c: Case): Promise<{ config?: Record<string, string>; error?: string }> => {
    write(c, "case.yaml");
    const r = await pulumi(dir, env, ["config", "--json", "--show-secrets", "--stack", "t", "--config-file", join(dir, "case.yaml")]);
    if (r.code !== 0) return { error: r.err.trim() };
    const j = JSON.parse(r.out) as Record<string, { value?: string }>;
    return { config: Object.fromEntries(Object.entries(j).map(([k, v]) => [k, v.value ?? ""])) };
  };

  before(async () => {
    dir = tempDir("ocdp-reading-");
    env = { ...pulumiEnv(dir), PULUMI_CONFIG_PASSPHRASE: "corpus" };
    mkdirSync(join(dir, "stacks"));
    writeFileSync(join(dir, "Pulumi.yaml"), SMALL_PROJECT);
    // The tiny program: what the engine hands a Node program as its config, written to a file.
    writeFileSync(join(dir, "program.js"), `const pulumi = require("@pulumi/pulumi");\nrequire("fs").writeFileSync(process.env.OCDP_READING_OUT, JSON.stringify(pulumi.runtime.allConfig()));\n`);
    writeFileSync(join(dir, "package.json"), "{}");
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    const init = await pulumi(dir, env, ["stack", "init", "t"]);
    assert.equal(init.code, 0, init.err);
  });

  for (const c of cases) {
    it(`${c.refused ? "refuses" : "accepts"} ${c.name}`, async () => {
      const mine = loaderReading(c);
      if (c.refused) {
        assert.equal(mine.config, undefined, "the loader accepted it");
        assert.ok(mine.refused!.includes(c.refused), mine.refused);
        assert.match(mine.refused!, /field (stacks\/Pulumi\.t\.yaml|Pulumi\.yaml)(:\d+)?/, "names the file (and line)");
        if (c.hostile) {
          const theirs = await pulumiReading(c);
          const old = oldReading(c);
          const differs = theirs.error !== undefined || old === undefined || readingDifferences(old, theirs.config!).length > 0;
          assert.ok(differs, `the old reading and Pulumi's agree on this case, so it is not hostile: ${JSON.stringify(theirs.config)}`);
        }
        return;
      }
      assert.ok(mine.config, mine.refused);
      const theirs = await pulumiReading(c);
      assert.equal(theirs.error, undefined, theirs.error);
      assert.deepEqual(readingDifferences(mine.config!, theirs.config!), []);
    });
  }

  it("the real engine hands a program the same config (lab, local, the styles case, and a file with secrets Pulumi wrote)", async () => {
    const secretCase: Case = { name: "secrets", stack: "config:\n  ocdp:claims: []\n" };
    write(secretCase, "stacks/Pulumi.t.yaml");
    // Pulumi writes the secrets itself: a secret value and a secret leaf by --path, as README tells admins.
    for (const args of [["ocdp:kubeconfig", "apiVersion: v1"], ["--path", "ocdp:registryCredentials.harbor.password", "s3cr3t"]]) {
      const r = await pulumi(dir, env, ["config", "set", "--secret", ...args, "--stack", "t"]);
      assert.equal(r.code, 0, r.err);
    }
    secretCase.stack = readFileSync(join(dir, "stacks/Pulumi.t.yaml"), "utf8");
    assert.match(secretCase.stack, /secure: v1:/);
    for (const c of [cases[0], cases[1], cases[2], secretCase]) {
      const mine = loaderReading(c);
      assert.ok(mine.config, `${c.name}: ${mine.refused}`);
      write(c);
      const out = join(dir, "reading.json");
      const r = await pulumi(dir, { ...env, OCDP_READING_OUT: out }, ["preview", "--stack", "t"]);
      assert.equal(r.code, 0, `${c.name}: ${r.out}${r.err}`);
      const seen = JSON.parse(readFileSync(out, "utf8")) as Record<string, string>;
      assert.deepEqual(readingDifferences(mine.config!, seen), [], c.name);
      if (c === secretCase) assert.equal(JSON.parse(seen["ocdp:registryCredentials"]).harbor.password, "s3cr3t");
    }
  });

  it("the comparison can fail: a changed value, a missing key and an extra key are each found", () => {
    const mine = loaderReading(cases[0]).config!;
    const theirs = Object.fromEntries(Object.entries(mine).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    assert.deepEqual(readingDifferences(mine, theirs), []);
    const claims = JSON.parse(theirs["ocdp:claims"]);
    claims[0].owner.user = "mallory";
    assert.deepEqual(readingDifferences(mine, { ...theirs, "ocdp:claims": JSON.stringify(claims) }), ["ocdp:claims: Pulumi's value differs from the file as ocdp reads it"]);
    const { ["ocdp:policy"]: _, ...fewer } = theirs;
    assert.deepEqual(readingDifferences(mine, fewer), ["ocdp:policy: in the file as ocdp reads it, not in Pulumi's config"]);
    assert.deepEqual(readingDifferences(mine, { ...theirs, "ocdp:templates2": "[]" }), ["ocdp:templates2: in Pulumi's config, not in the file as ocdp reads it"]);
  });
});
