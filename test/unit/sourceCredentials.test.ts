import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { accessError, classify, gitEnv, helmRepoLogin, ociLogin, redact, sourceAccess } from "../../src/catalog/sources/access";
import { covers, credentialNameFor, loginOf, showUrl, sourceCredentialProblems } from "../../src/config/sourceCredentials";

const PASSWORD = "hunter2+/never-printed";
const secure = { secure: "v1:ciphertext" };

describe("ocdp:sourceCredentials: checks that name the credential and field, never a value", () => {
  const cases: { name: string; value: unknown; issues: string[] }[] = [
    { name: "a password credential", value: { harbor: { url: "oci://harbor.example.com/library", username: "robot$ci", password: secure } }, issues: [] },
    { name: "a token credential", value: { gitea: { url: "https://gitea.example.com/ocdp", token: secure } }, issues: [] },
    { name: "absent", value: undefined, issues: [] },
    { name: "a password in plain text", value: { charts: { url: "https://charts.example.com", username: "u", password: PASSWORD } },
      issues: ["ocdp:sourceCredentials.charts.password|must be a secret: `pulumi config set --secret --path ocdp:sourceCredentials.charts.password <value> --stack lab`"] },
    { name: "a user in the URL", value: { charts: { url: `https://u:${PASSWORD}@charts.example.com`, username: "u", password: secure } },
      issues: ["ocdp:sourceCredentials.charts.url|must not hold a user or password: they go in username and password"] },
    { name: "a URL with a query", value: { charts: { url: "https://charts.example.com/x?token=abc", token: secure } },
      issues: ["ocdp:sourceCredentials.charts.url|must be an https://, http:// or oci:// URL prefix with a host (no query or fragment)"] },
    { name: "no url, both secrets, a password without user, an unknown field", value: { x: { password: secure, token: secure, extra: PASSWORD } },
      issues: [
        "ocdp:sourceCredentials.x.extra|unknown field: expected url, username, password or token",
        "ocdp:sourceCredentials.x.url|is required: the URL prefix of the sources it is for (https://, http:// or oci://)",
        "ocdp:sourceCredentials.x|needs exactly one of password or token",
        "ocdp:sourceCredentials.x.username|is required with a password",
      ] },
    { name: "not a mapping", value: secure, issues: ["ocdp:sourceCredentials|must be a mapping of credentials by name"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = sourceCredentialProblems("lab", c.value).map((i) => `${i.field}|${i.rule}`);
      assert.equal(got.length, c.issues.length, got.join("\n"));
      c.issues.forEach((want, i) => assert.ok(got[i].startsWith(want), `${got[i]}\n  wanted ${want}`));
      assert.ok(!JSON.stringify(got).includes(PASSWORD), "no value echoed");
      assert.ok(got.every((g) => g.startsWith("ocdp:sourceCredentials")));
    });
  }
});

describe("which credential a source takes", () => {
  const urls = { all: "https://gitea.example.com", team: "https://gitea.example.com/ocdp/", oci: "oci://harbor.example.com:8443/charts" };
  const table: [string, string | undefined][] = [
    ["https://gitea.example.com/ocdp/manifests.git", "team"],
    ["https://gitea.example.com/other/manifests.git", "all"],
    ["https://gitea.example.com.evil.io/ocdp/m.git", undefined],
    ["https://gitea.example.com:444/ocdp/m.git", undefined],
    ["http://gitea.example.com/ocdp/m.git", undefined],
    ["oci://harbor.example.com:8443/charts/code-server", "oci"],
    ["oci://harbor.example.com:8443/chartsx/code-server", undefined],
  ];
  for (const [url, want] of table) it(`${url} -> ${want ?? "none"}`, () => assert.equal(credentialNameFor(urls, url), want));
  it("covers at a path boundary only", () => {
    assert.ok(covers("https://h/a/", "https://h/a"));
    assert.ok(!covers("https://h/a", "https://h/ab"));
  });
  it("a token goes as the password of a fixed username", () => {
    assert.deepEqual(loginOf("g", { url: "https://h/", token: "t" }), { name: "g", url: "https://h", username: "oauth2", password: "t" });
  });
  it("decrypts only when a source needs a credential, once", async () => {
    let reads = 0;
    const access = sourceAccess("lab", urls, async () => { reads++; return { team: { url: urls.team, username: "u", password: PASSWORD } }; });
    assert.equal(await access.loginFor("https://public.example.com/charts"), undefined);
    assert.equal(reads, 0);
    assert.equal((await access.loginFor("https://gitea.example.com/ocdp/m.git"))?.password, PASSWORD);
    await access.loginFor("https://gitea.example.com/ocdp/n.git");
    assert.equal(reads, 1);
    await assert.rejects(access.loginFor("https://gitea.example.com/x.git"), /takes the credential ocdp:sourceCredentials.all, which has no password or token/);
  });
  it("a credential that cannot be decrypted is said with Pulumi's reason, not a value", async () => {
    const access = sourceAccess("lab", urls, async () => { throw new Error("pulumi config get ocdp:sourceCredentials: passphrase must be set with PULUMI_CONFIG_PASSPHRASE"); });
    await assert.rejects(access.loginFor("https://gitea.example.com/ocdp/m.git"),
      /^Error: https:\/\/gitea.example.com\/ocdp\/m.git takes the credential ocdp:sourceCredentials.team, which could not be read for stack lab: pulumi config get ocdp:sourceCredentials: passphrase must be set with PULUMI_CONFIG_PASSPHRASE \(a job without the stack's passphrase, such as a pull request's diff, cannot render it; the cluster preview and pulumi up do\)$/);
  });
});

describe("logins handed to tools", () => {
  const login = { name: "charts", url: "https://charts.example.com", username: "robot", password: PASSWORD };
  it("helm reads a repository's login from a private repositories.yaml, not its arguments", () => {
    const s = helmRepoLogin(login, "https://charts.example.com/stable");
    try {
      assert.ok(!s.args.join(" ").includes(PASSWORD));
      const file = s.args[s.args.indexOf("--repository-config") + 1];
      const repo = JSON.parse(readFileSync(file, "utf8")).repositories[0];
      assert.deepEqual(repo, { name: "ocdp-source", url: "https://charts.example.com/stable", username: "robot", password: PASSWORD, pass_credentials_all: false });
    } finally {
      s.cleanup();
    }
    assert.throws(() => readFileSync(s.args[1]), /ENOENT/, "removed");
  });
  it("helm reads an OCI registry's login from a private registry config, by host", () => {
    const s = ociLogin(login, "oci://harbor.example.com:8443/charts/code-server");
    try {
      assert.deepEqual(s.args.slice(0, 1), ["--registry-config"]);
      const cfg = JSON.parse(readFileSync(s.args[1], "utf8"));
      assert.deepEqual(Object.keys(cfg.auths), ["harbor.example.com:8443"]);
      assert.equal(Buffer.from(cfg.auths["harbor.example.com:8443"].auth, "base64").toString(), `robot:${PASSWORD}`);
    } finally {
      s.cleanup();
    }
  });
  it("git gets no helper of the machine's, ours with a login, and the secret in the environment only", () => {
    const none = gitEnv();
    assert.equal(none.GIT_CONFIG_COUNT, "1");
    assert.deepEqual([none.GIT_CONFIG_KEY_0, none.GIT_CONFIG_VALUE_0], ["credential.helper", ""]);
    assert.equal(none.GIT_ASKPASS, "/bin/false");
    const env = gitEnv(login);
    assert.equal(env.GIT_CONFIG_COUNT, "3");
    assert.match(env.GIT_CONFIG_VALUE_1, /bin\/git-credential-ocdp$/);
    assert.equal(env.OCDP_GIT_PASSWORD, PASSWORD);
    assert.ok(!Object.entries(env).some(([k, v]) => k !== "OCDP_GIT_PASSWORD" && v.includes(PASSWORD)));
  });
});

describe("what a refusal says", () => {
  const login = { name: "charts", url: "https://charts.example.com", username: "robot", password: PASSWORD };
  const table: [string, string, string][] = [
    ["Error: looks like \"https://charts.example.com/stable\" is not a valid chart repository or cannot be reached: failed to fetch https://charts.example.com/stable/index.yaml : 401 Unauthorized", "401",
      "Helm repository https://charts.example.com/stable answered 401 Unauthorized: the credential ocdp:sourceCredentials.charts was refused; an admin sets the right one with `pulumi config set --secret --path ocdp:sourceCredentials.charts.password <password or token> --stack lab`"],
    ["fatal: unable to access 'https://charts.example.com/stable/': The requested URL returned error: 403", "403",
      "Helm repository https://charts.example.com/stable answered 403 Forbidden: the credential ocdp:sourceCredentials.charts is not allowed to read it"],
    ["dial tcp 127.0.0.1:1: connect: connection refused", "unreachable", "Helm repository https://charts.example.com/stable could not be reached (dial tcp 127.0.0.1:1: connect: connection refused)"],
  ];
  for (const [tool, kind, message] of table) {
    it(kind, () => {
      assert.equal(classify(tool), kind);
      assert.ok(accessError("lab", "Helm repository", "https://charts.example.com/stable", login, tool).message.startsWith(message));
    });
  }
  it("with no credential, says which key to set", () => {
    assert.equal(accessError("lab", "Git repository", "https://u:p@gitea.example.com/ocdp/m.git?x=1", undefined, "fatal: could not read Username for 'https://gitea.example.com': terminal prompts disabled").message,
      "Git repository https://gitea.example.com/ocdp/m.git answered 401 Unauthorized and the stack has no credential for it: an admin sets one with `pulumi config set --path ocdp:sourceCredentials.<name>.url https://gitea.example.com/ocdp/m.git --stack lab`, `pulumi config set --path ocdp:sourceCredentials.<name>.username <user> --stack lab` and `pulumi config set --secret --path ocdp:sourceCredentials.<name>.password <password or token> --stack lab` (docs/admins.md#private-sources)");
  });
  it("cuts every form of the secret a tool or server could echo", () => {
    const text = `pw ${PASSWORD} url ${encodeURIComponent(PASSWORD)} basic ${Buffer.from(`robot:${PASSWORD}`).toString("base64")} https://robot:x@h/`;
    const out = redact(text, login);
    assert.ok(!out.includes(PASSWORD) && !out.includes(encodeURIComponent(PASSWORD)) && !out.includes("robot:x@"), out);
    assert.equal(showUrl("https://a:b@h/p?token=1"), "https://h/p");
  });
});
