// `ocdp claim add|set|rm` edits a stack file in place (only the claim's lines change), after the same
// validation as `ocdp render`; `ocdp templates` lists what a claim may set.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, beforeEach, describe, it } from "node:test";
import { diffArrays } from "diff";
import { ocdp, readYaml, scratchProject } from "../helpers";

describe("ocdp claim", () => {
  let dir: string;
  let original: string;
  const file = () => join(dir, "stacks", "Pulumi.lab.yaml");
  const text = () => readFileSync(file(), "utf8");
  before(() => { dir = scratchProject(); original = readFileSync(join(dir, "stacks", "Pulumi.lab.yaml"), "utf8"); });
  beforeEach(() => writeFileSync(file(), original));
  const lines = (s: string) => s.split("\n");
  /**
   * The lines removed from `a` and added in `b`, by a line diff of the two sequences (not sets): a line
   * moved to another place shows as removed and added, so "order stays" is checked too.
   */
  const changed = (a: string, b: string) => {
    const parts = diffArrays(lines(a), lines(b));
    return { removed: parts.filter((p) => p.removed).flatMap((p) => p.value), added: parts.filter((p) => p.added).flatMap((p) => p.value) };
  };

  it("add: the new claim's lines are appended in the file's style, every other byte kept", () => {
    const r = ocdp(dir, ["claim", "add", "--stack", "lab", "--name", "cs-bob", "--template", "code-server", "--workspace", "nlp", "--owner", "bob",
      "--set", "gpu.count=1", "--set", "storage.size=50Gi", "--set", "cpu=4"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /claim cs-bob added to stacks\/Pulumi.lab.yaml/);
    const after = text();
    assert.ok(after.startsWith(original), "nothing before it changed");
    assert.equal(after.slice(original.length), [
      "    - name: cs-bob", "      templateId: code-server", "      workspaceId: nlp", "      owner: {user: bob}", "      values:",
      "        gpu: {count: 1}", "        storage: {size: 50Gi}", '        cpu: "4"', ""].join("\n"));
    const claim = readYaml(file()).config["ocdp:claims"].find((c: { name: string }) => c.name === "cs-bob");
    assert.equal(claim.values.gpu.count, 1, "an integer input is a number");
    assert.equal(claim.values.cpu, "4", "a string input stays a string, even when it looks like a number");
  });

  it("set: only the changed lines differ; comments, order and flow style stay", () => {
    const r = ocdp(dir, ["claim", "set", "--stack", "lab", "--name", "cs-alice", "--set", "gpu.count=2", "--unset", "memory"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(changed(original, text()), {
      removed: ["        gpu: {count: 1, memory: 8192, cores: 50}", "        memory: 16Gi"],
      added: ["        gpu: {count: 2, memory: 8192, cores: 50}"],
    });
    for (const comment of lines(original).filter((l) => l.trim().startsWith("#") || l.includes(" # "))) assert.ok(text().includes(comment), comment);
  });

  it("the line diff this file checks with sees a reordered file (a set comparison would not)", () => {
    const a = "x: 1\ny: 2\nz: 3\n";
    const reordered = "y: 2\nx: 1\nz: 3\n";
    const d = changed(a, reordered);
    assert.ok(d.removed.length === 1 && d.added.length === 1, JSON.stringify(d));
  });

  it("a value Pulumi's YAML reader would take for a date is written quoted, and the file reads back (render passes)", () => {
    const r = ocdp(dir, ["claim", "set", "--stack", "lab", "--name", "vllm-llama", "--set", "model=2026-12-06"]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(changed(original, text()), { removed: ["        model: meta-llama/Llama-3.1-8B-Instruct"], added: ['        model: "2026-12-06"'] });
    const render = ocdp(dir, ["render", "--stack", "lab", "--claim", "vllm-llama"]);
    assert.equal(render.code, 0, render.err);
  });

  it("rm: only the claim's lines go", () => {
    const r = ocdp(dir, ["claim", "rm", "--stack", "lab", "--name", "vllm-llama"]);
    assert.equal(r.code, 0, r.err);
    const { removed, added } = changed(original, text());
    assert.deepEqual(added, []);
    assert.equal(removed[0], "    - name: vllm-llama");
    assert.equal(lines(original).length - lines(text()).length, 8);
    assert.ok(!readYaml(file()).config["ocdp:claims"].some((c: { name: string }) => c.name === "vllm-llama"));
  });

  it("rm of the last claim leaves the file ending where the claim before it ended", () => {
    const r = ocdp(dir, ["claim", "rm", "--stack", "lab", "--name", "gateway"]);
    assert.equal(r.code, 0, r.err);
    assert.equal(text(), original.slice(0, original.indexOf("    - name: gateway")));
  });

  it("--dry-run prints the unified diff and writes nothing", () => {
    const r = ocdp(dir, ["claim", "set", "--stack", "lab", "--name", "cs-alice", "--set", "gpu.cores=60", "--dry-run"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- stacks\/Pulumi\.lab\.yaml/m);
    assert.match(r.out, /^- {8}gpu: \{count: 1, memory: 8192, cores: 50\}\n\+ {8}gpu: \{count: 1, memory: 8192, cores: 60\}$/m);
    assert.equal(text(), original);
  });

  const refused: [string, string[], RegExp][] = [
    ["an owner the template does not bind", ["add", "--name", "cs-erin", "--template", "code-server", "--workspace", "vision", "--owner", "erin"],
      /claim cs-erin, template code-server, field owner\.user: user "erin" .* is not bound to template code-server/],
    ["a value out of range", ["add", "--name", "cs-x", "--template", "code-server", "--workspace", "nlp", "--owner", "alice", "--set", "gpu.count=99"],
      /claim cs-x, field values\.gpu\.count: must be <= 8 \(got 99\)/],
    ["an unknown input", ["set", "--name", "cs-alice", "--set", "colour=blue"], /claim cs-alice, field values\.colour: unknown key/],
    ["a change over budget", ["set", "--name", "cs-alice", "--set", "gpu.count=4"], /workspace nlp: nvidia\.com\/gpu 5 > budget 4 \(cs-alice 4, vllm-llama 1\)/],
    ["a name already taken", ["add", "--name", "cs-alice", "--template", "code-server", "--workspace", "nlp", "--owner", "alice"], /claim cs-alice, field name: already in stacks\/Pulumi\.lab\.yaml/],
    ["a claim that does not exist", ["rm", "--name", "nope"], /claim nope, field name: no such claim in stacks\/Pulumi\.lab\.yaml/],
  ];
  for (const [what, args, want] of refused) {
    it(`refuses ${what}, writing nothing`, () => {
      const r = ocdp(dir, ["claim", args[0], "--stack", "lab", ...args.slice(1)]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, want);
      assert.equal(text(), original);
    });
  }
});

describe("ocdp templates", () => {
  it("lists each template's inputs with type, default and range", () => {
    const dir = scratchProject();
    const r = ocdp(dir, ["templates", "--stack", "lab", "--json"]);
    assert.equal(r.code, 0, r.err);
    const cs = JSON.parse(r.out).templates.find((t: { id: string }) => t.id === "code-server");
    assert.deepEqual(cs.inputs.find((i: { name: string }) => i.name === "gpu.count"), { name: "gpu.count", type: "integer", description: "Number of (HAMi-shared) GPUs for the code-server container.", default: 0, minimum: 0, maximum: 8 });
    assert.deepEqual(cs.bindings, { groups: ["ml-team"], users: ["alice"] });
    const text = ocdp(dir, ["templates", "--stack", "lab"]);
    assert.match(text.out, /^ {2}gpu\.count {5}integer {2}0 {8}0\.\.8$/m);
  });
});
