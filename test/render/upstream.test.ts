// The public kuoss code-server chart, served from a Helm repository on loopback, used exactly as the
// OCDP manifests README writes its template. Its login Secret is a Helm pre-install hook holding
// `randAlphaNum 24`: the hook policy applies it as an ordinary object of the claim, and the password is
// a placeholder in every render (the Pulumi program alone fills it, from the stack's ocdp:secretSeed).
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import yaml from "js-yaml";
import { type ChartServer, KUOSS, kuossTemplate, serveHelmRepo } from "../chartServers";
import { ROOT, STACK_TRACE, ocdpAsync, scratchProject, writeStack } from "../helpers";
import { pulumi, pulumiEnv } from "../pulumiEnv";

const GOLDEN = join(ROOT, "test", "golden", "upstream-kuoss.yaml");
type Obj = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; data?: Record<string, string> };

describe("the public kuoss code-server 3.16.1 chart, as the OCDP README's template uses it", () => {
  let repo: ChartServer;
  let dir: string;
  before(async () => {
    assert.ok(existsSync(KUOSS), `${KUOSS} (the chart as its repository serves it)`);
    repo = await serveHelmRepo(KUOSS);
    dir = scratchProject();
    writeStack(dir, "local", "kuoss", [
      { name: "cs-k", templateId: "code-server-kuoss", workspaceId: "team-a", owner: { user: "alice" } },
      { name: "cs-l", templateId: "code-server-kuoss", workspaceId: "team-a", owner: { user: "alice" } },
    ], { "ocdp:templates": [kuossTemplate(repo.url)] });
  });
  after(() => repo?.close());

  it("renders its pre-install Secret as an ordinary object, the password a placeholder, the same with a cold cache (golden)", async () => {
    const first = await ocdpAsync(dir, ["render", "--stack", "kuoss", "--claim", "cs-k", "--no-cache"]);
    assert.equal(first.code, 0, first.err);
    assert.doesNotMatch(first.err, STACK_TRACE);
    const objects = yaml.loadAll(first.out) as Obj[];
    const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === "cs-k");
    assert.ok(secret, "the Secret its Deployment reads is rendered");
    assert.equal(secret.metadata.annotations?.["ocdp.io/helm-hook"], "pre-install");
    assert.equal(secret.metadata.annotations?.["helm.sh/hook"], undefined, "applied as an ordinary object");
    assert.match(Buffer.from(secret.data!.password, "base64").toString(), /^ocdp:generated:letters:24:[0-9a-f]{12}$/);
    const deployment = objects.find((o) => o.kind === "Deployment")!;
    assert.match(deployment.metadata.annotations?.["config.kubernetes.io/depends-on"] ?? "", /\/namespaces\/ws-team-a\/Secret\/cs-k/, "created before the pods that read it");
    const again = await ocdpAsync(dir, ["render", "--stack", "kuoss", "--claim", "cs-k", "--no-cache"]);
    assert.equal(again.out, first.out, "two cold renders of one commit are equal");
    if (process.env.OCDP_UPDATE_GOLDEN) writeFileSync(GOLDEN, first.out);
    assert.equal(first.out, readFileSync(GOLDEN, "utf8"), `drift from ${GOLDEN}: run npm run golden if it is intended`);
  });

  it("every claim of the chart gets its own placeholder, a function of the object and not of a render", async () => {
    const r = await ocdpAsync(dir, ["render", "--stack", "kuoss"]);
    assert.equal(r.code, 0, r.err);
    const pw = (yaml.loadAll(r.out) as Obj[]).filter((o) => o?.kind === "Secret").map((o) => Buffer.from(o.data!.password, "base64").toString());
    assert.equal(pw.length, 2);
    const golden = (yaml.loadAll(readFileSync(GOLDEN, "utf8")) as Obj[]).find((o) => o.kind === "Secret")!;
    assert.equal(pw[0], Buffer.from(golden.data!.password, "base64").toString(), "cs-k's placeholder is the golden one");
    assert.notEqual(pw[1], pw[0]);
    assert.match(pw[1], /^ocdp:generated:letters:24:[0-9a-f]{12}$/);
  });

  it("the real engine refuses it without the stack's ocdp:secretSeed, naming each claim and the command that sets it, before registering anything", async () => {
    const env = pulumiEnv(join(dir, ".pulumi-kuoss"));
    assert.equal((await pulumi(dir, env, ["stack", "init", "kuoss"])).code, 0);
    const r = await pulumi(dir, env, ["preview", "--stack", "kuoss"]);
    assert.notEqual(r.code, 0, r.out);
    for (const claim of ["cs-k", "cs-l"]) {
      assert.match(r.out + r.err, new RegExp(`stack kuoss, claim ${claim}, field ocdp:secretSeed: its chart generates values at random, which ocdp derives from the stack secret ocdp:secretSeed, and the stack has none: an admin runs \`pulumi config set --secret ocdp:secretSeed "\\$\\(openssl rand -base64 32\\)" --stack kuoss\``));
    }
    assert.doesNotMatch(r.out, /\+ +kubernetes:/, "no resource planned");
    // In plain text the seed would be in the repository for anyone: refused too.
    assert.equal((await pulumi(dir, env, ["config", "set", "ocdp:secretSeed", "not-a-secret-0123456789", "--stack", "kuoss"])).code, 0);
    const plain = await pulumi(dir, env, ["preview", "--stack", "kuoss"]);
    assert.match(plain.out + plain.err, /field ocdp:secretSeed: must be a secret/);
  });
});
