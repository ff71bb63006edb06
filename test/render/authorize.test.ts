// The pull-request gate on a real git repository: who may change which claim, and what needs an admin.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { STACK_TRACE, editFile, git, gitScratchProject, ocdp } from "../helpers";

const LAB = "stacks/Pulumi.lab.yaml";
const NEW_CLAIM = (owner: string, ws = "nlp") => `    - name: cs-new\n      templateId: code-server\n      workspaceId: ${ws}\n      owner: {user: ${owner}}\n`;

describe("ocdp authorize (the pull-request gate)", () => {
  let dir: string;
  const edit = (file: string, from: string, to: string) => editFile(dir, file, from, to);
  before(() => { dir = gitScratchProject(); });
  const stop = (claim: string) => {
    const r = ocdp(dir, ["claim", "stop", "--stack", "lab", "--name", claim]);
    assert.equal(r.code, 0, r.err);
    assert.match(readFileSync(join(dir, LAB), "utf8"), /state: stopped/);
  };
  const reset = () => { git(dir, "checkout", "-q", "--", "."); git(dir, "clean", "-qfd", "--", "presets", "stacks"); };

  // [what, the change, who, exit code, lines the verdict must hold]
  const cases: [string, () => void, string[], number, RegExp[]][] = [
    ["alice changes her own claim", () => edit(LAB, "storage: {size: 50Gi}", "storage: {size: 60Gi}"), ["--actor", "alice"], 0,
      [/allowed {2}claim cs-alice changed: owned by alice in workspace nlp, which admits them/]],
    ["alice changes bob's claim", () => edit(LAB, "cache: {size: 100Gi}", "cache: {size: 200Gi}"), ["--actor", "alice"], 4,
      [/REFUSED {2}claim vllm-llama changed: owned by bob, not alice/]],
    ["erin moves her claim into a workspace she is not in", () => edit(LAB, "workspaceId: vision\n      owner: {user: erin}", "workspaceId: nlp\n      owner: {user: erin}"), ["--actor", "erin"], 4,
      [/REFUSED {2}claim gateway changed: erin may not claim into workspace nlp \(at base it admits groups ml-team\)/]],
    ["alice hands her claim to bob", () => edit(LAB, "owner: {user: alice}", "owner: {user: bob}"), ["--actor", "alice"], 4,
      [/REFUSED {2}claim cs-alice changed: owned by alice before and bob after, not alice/]],
    ["alice adds a claim of her own", () => edit(LAB, "    - name: vllm-llama\n", `${NEW_CLAIM("alice")}    - name: vllm-llama\n`), ["--actor", "alice"], 0,
      [/allowed {2}claim cs-new added/]],
    ["alice adds a claim in bob's name", () => edit(LAB, "    - name: vllm-llama\n", `${NEW_CLAIM("bob")}    - name: vllm-llama\n`), ["--actor", "alice"], 4,
      [/REFUSED {2}claim cs-new added: owned by bob, not alice/]],
    ["bob removes alice's claim", () => {
      const text = readFileSync(join(dir, LAB), "utf8");
      writeFileSync(join(dir, LAB), text.slice(0, text.indexOf("    - name: cs-alice")) + text.slice(text.indexOf("    - name: vllm-llama")));
    }, ["--actor", "bob"], 4,
      [/REFUSED {2}claim cs-alice removed: owned by alice, not bob/]],
    ["a non-admin changes a template", () => edit("Pulumi.yaml", "version: 3.16.1", "version: 3.16.2"), ["--actor", "alice"], 4,
      [/REFUSED {2}ocdp:templates changed: ocdp:templates needs an admin; alice is not an admin/, /REFUSED {2}file Pulumi.yaml changed: project config \(templates, access\) needs an admin/]],
    ["a non-admin raises a budget", () => edit(LAB, "nvidia.com/gpu: 4\n          nvidia.com/gpumem: 122880", "nvidia.com/gpu: 8\n          nvidia.com/gpumem: 122880"), ["--actor", "alice"], 4,
      [/REFUSED {2}ocdp:policy changed: ocdp:policy needs an admin/]],
    ["a non-admin points a private source's credential elsewhere", () => edit(LAB, "  ocdp:claims:\n", "  ocdp:sourceCredentials:\n    charts: {url: https://charts.attacker.example, username: u, password: {secure: v1:abc}}\n  ocdp:claims:\n"), ["--actor", "alice"], 4,
      [/REFUSED {2}ocdp:sourceCredentials added: ocdp:sourceCredentials needs an admin; alice is not an admin/]],
    ["a non-admin edits a preset", () => appendFileSync(join(dir, "presets/packages/code-server/presets/k3s-hami/kustomization.yaml"), "# tweak\n"), ["--actor", "alice"], 4,
      [/REFUSED {2}file presets\/packages\/code-server\/presets\/k3s-hami\/kustomization.yaml changed: presets need an admin/]],
    ["a change that makes its author an admin still needs one", () => {
      edit("Pulumi.yaml", "admins: [root]", "admins: [root, alice]");
      edit(LAB, "cache: {size: 100Gi}", "cache: {size: 200Gi}");
    }, ["--actor", "alice"], 4, [/REFUSED {2}claim vllm-llama changed: owned by bob, not alice/, /REFUSED {2}ocdp:access changed/]],
    ["an admin may change anything", () => {
      edit("Pulumi.yaml", "version: 3.16.1", "version: 3.16.2");
      edit(LAB, "cache: {size: 100Gi}", "cache: {size: 200Gi}");
    }, ["--actor", "root"], 0, [/allowed {2}claim vllm-llama changed: root is an admin/, /allowed {2}ocdp:templates changed: root is an admin/]],
    ["a GitHub login is mapped through the directory", () => edit(LAB, "storage: {size: 50Gi}", "storage: {size: 60Gi}"), ["--github", "Alice-GH"], 0,
      [/^stack lab, actor alice \(GitHub Alice-GH\):/m]],
    ["a GitHub login no user has is refused", () => edit(LAB, "storage: {size: 50Gi}", "storage: {size: 60Gi}"), ["--github", "mallory"], 4,
      [/refused: GitHub login "mallory" is no user's ocdp:access\.users\.<user>\.github at HEAD/]],
    ["alice stops her own claim (ocdp claim stop)", () => stop("cs-alice"), ["--actor", "alice"], 0,
      [/allowed {2}claim cs-alice changed: owned by alice in workspace nlp, which admits them/]],
    ["alice stops bob's claim", () => stop("vllm-llama"), ["--actor", "alice"], 4, [/REFUSED {2}claim vllm-llama changed: owned by bob, not alice/]],
    ["an admin stops anyone's claim", () => stop("vllm-llama"), ["--actor", "root"], 0, [/allowed {2}claim vllm-llama changed: root is an admin/]],
    ["comments and formatting only: nothing to judge", () => edit(LAB, "# The lab site", "# The lab site (edited)"), ["--actor", "carol"], 0, [/no changes/]],
  ];
  for (const [what, change, who, code, want] of cases) {
    it(what, () => {
      change();
      try {
        const r = ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD", ...who]);
        assert.equal(r.code, code, `${r.out}${r.err}`);
        for (const w of want) assert.match(r.out + r.err, w);
        assert.doesNotMatch(r.err, STACK_TRACE);
      } finally {
        reset();
      }
    });
  }

  it("compares two commits, and answers in JSON", () => {
    edit(LAB, "cache: {size: 100Gi}", "cache: {size: 200Gi}");
    git(dir, "commit", "-qam", "bob's bigger cache");
    const r = ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD~1", "--head", "HEAD", "--actor", "bob", "--format", "json"]);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.allowed, true);
    assert.deepEqual(j.changes.map((c: { subject: string; allowed: boolean }) => `${c.subject} ${c.allowed}`), ["claim vllm-llama true"]);
  });

  it("invalid input is exit 1: a bad ref, an option for a ref, an unknown stack", () => {
    for (const args of [["--base", "nope"], ["--base=--output=x"], ["--base", "HEAD", "--head=-x"]]) {
      const r = ocdp(dir, ["authorize", "--stack", "lab", ...args, "--actor", "alice"]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, /git ref/);
    }
    const r = ocdp(dir, ["authorize", "--stack", "nope", "--base", "HEAD", "--actor", "alice"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /stack nope, field --stack: no stack nope at HEAD or at the working tree/);
    assert.equal(ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD"]).code, 2, "an actor is required");
  });

  // Each class of hostile stack file, committed on a branch and judged between two commits, as the gate does.
  describe("a stack file one reader could read otherwise, or that validation refuses, is refused with the rule", () => {
    const claimOf = (owner: string, extra = "") => `    - name: cs-x\n      templateId: code-server\n      workspaceId: nlp\n      owner: {user: ${owner}${extra}}\n`;
    // [what, the new text of the lab stack file from the old, the rule the refusal names]
    const hostile: [string, (t: string) => string, RegExp][] = [
      ["a merge key that brings in templates", (t) => t.replace("  ocdp:claims:\n", "  <<: {ocdp:templates: []}\n  ocdp:claims:\n"), /REFUSED {2}field stacks\/Pulumi\.lab\.yaml:\d+ at [0-9a-f]{12}: merge key <<: merge keys are not accepted/],
      ["U+2028 hiding a line in a comment", (t) => t.replace("  ocdp:claims:\n", "  # note\u2028  ocdp:templates: []\n  ocdp:claims:\n"), /REFUSED {2}field stacks\/Pulumi\.lab\.yaml:\d+ at [0-9a-f]{12}: U\+2028 is a line break to one YAML reader and text to another/],
      ["U+0085 in a scalar", (t) => t.replace("model: meta-llama", "model: meta\u0085llama"), /U\+0085 is a line break to one YAML reader/],
      ["the ocdp:config:<key> form", (t) => t.replace("  ocdp:claims:\n", "  ocdp:config:policy: {}\n  ocdp:claims:\n"), /the <namespace>:config:<key> form is not accepted \(Pulumi reads it as ocdp:policy\)/],
      ["a key of another namespace", (t) => t.replace("  ocdp:claims:\n", "  kubernetes:kubeconfig: /tmp/x\n  ocdp:claims:\n"), /config key kubernetes:kubeconfig is not this project's: an admin lists keys of other namespaces in Pulumi\.yaml's ocdp:allowedConfigKeys/],
      ["a top-level key", (t) => `secretsprovider: awskms://alias/x\n${t}`, /top-level key "secretsprovider" is not accepted/],
      ["an anchor and alias", (t) => t.replace("      owner: {user: alice}\n", "      owner: &o {user: alice}\n"), /anchor &o: anchors and aliases are not accepted/],
      ["an octal-looking number", (t) => t.replace("cores: 50}", "cores: 050}"), /a number with a leading zero \("050"\) reads differently in YAML 1\.1 and 1\.2: quote it/],
      ["a duplicate claim name that hides bob's claim", (t) => t.replace("    - name: cs-alice\n", "    - name: vllm-llama\n"), /REFUSED {2}claim vllm-llama invalid: more than one claim has this name at head: names must be unique/],
      ["owner.groups, which render refuses", (t) => t.replace("  ocdp:claims:\n", `  ocdp:claims:\n${claimOf("alice", ", groups: [platform]")}`), /REFUSED {2}claim cs-x invalid: refused by validation at head: stack lab, claim cs-x, field owner\.groups: not accepted/],
      ["a claim field the schema refuses", (t) => t.replace("  ocdp:claims:\n", `  ocdp:claims:\n${claimOf("alice")}      colour: red\n`), /REFUSED {2}claim cs-x invalid: refused by validation at head: stack lab, claim cs-x, field colour: unknown key: not declared by the schema/],
    ];
    for (const [what, change, rule] of hostile) {
      it(what, () => {
        git(dir, "checkout", "-q", "-B", "hostile", "main");
        try {
          const f = join(dir, LAB);
          const before = readFileSync(f, "utf8");
          const after = change(before);
          assert.notEqual(after, before, "the change applies");
          writeFileSync(f, after);
          git(dir, "commit", "-qam", what);
          const r = ocdp(dir, ["authorize", "--stack=lab", "--base=main", "--head=hostile", "--actor=alice"]);
          assert.equal(r.code, 4, `${r.out}${r.err}`);
          assert.match(r.out, rule);
          assert.doesNotMatch(r.err, STACK_TRACE);
        } finally {
          git(dir, "checkout", "-q", "-f", "main");
        }
      });
    }
  });

  it("judges every account given: allowed for alice, refused for bob who pushed to her branch", () => {
    edit(LAB, "storage: {size: 50Gi}", "storage: {size: 60Gi}");
    try {
      const r = ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD", "--github=alice-gh", "--github=bob-gh"]);
      assert.equal(r.code, 4, r.out + r.err);
      assert.match(r.out, /stack lab, actor alice \(GitHub alice-gh\):\n {2}allowed {2}claim cs-alice changed/);
      assert.match(r.out, /stack lab, actor bob \(GitHub bob-gh\):\n {2}REFUSED {2}claim cs-alice changed: owned by alice, not bob/);
    } finally {
      reset();
    }
  });

  it("a file under stacks/ that is not a well-formed stack file needs an admin", () => {
    writeFileSync(join(dir, "stacks/Pulumi.my stack.yaml"), readFileSync(join(dir, LAB)));
    try {
      const r = ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD", "--actor", "alice"]);
      assert.equal(r.code, 4, r.out + r.err);
      assert.match(r.out, /REFUSED {2}file "stacks\/Pulumi\.my stack\.yaml" changed: not a well-formed stacks\/Pulumi\.<name>\.yaml/);
      assert.equal(ocdp(dir, ["authorize", "--stack", "lab", "--base", "HEAD", "--actor", "root"]).code, 0);
    } finally {
      reset();
    }
  });
});
