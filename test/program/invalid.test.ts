// A stack with bad claims registers nothing at all and reports every problem.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { mockStack } from "./mocks";

describe("the Pulumi program with invalid claims (mocks)", () => {
  it("fails before registering any resource, listing every problem", async () => {
    const registered = mockStack("local", (c) => {
      const claims = c["ocdp:claims"] as Record<string, unknown>[];
      claims.push({ name: "bad-one", templateId: "code-server", workspaceId: "team-a", owner: { user: "alice" }, values: { gpu: { count: 99 } } });
      claims.push({ name: "bad-two", templateId: "nope", workspaceId: "team-a", owner: { user: "alice" } });
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await assert.rejects(program(), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e), "a RunError: reported without a stack trace");
      assert.match(e.message, /2 problems found/);
      assert.match(e.message, /claim bad-one, field values.gpu.count: must be <= 8/);
      assert.match(e.message, /claim bad-two, field templateId: unknown template "nope"/);
      return true;
    });
    assert.deepEqual(registered, [], "nothing registered, so nothing can be deleted");
  });

  it("a misspelt ocdp:claims key fails the run instead of meaning \"no claims\" (which would delete every workload)", async () => {
    const registered = mockStack("local", (c) => {
      c["ocdp:claim"] = c["ocdp:claims"];
      delete c["ocdp:claims"];
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await assert.rejects(program(), (e: Error) => pulumi.RunError.isInstance(e) && /field stacks\/Pulumi\.local\.yaml:\d+: unknown key ocdp:claim: expected one of/.test(e.message));
    assert.deepEqual(registered, []);
  });

  it("a Pulumi reading that differs from the stack file (one claim's owner) fails the run, naming the key, never the value", async () => {
    const registered = mockStack("local", () => {}, [], (c) => {
      (c["ocdp:claims"] as { owner: { user: string } }[])[0].owner.user = "mallory";
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await assert.rejects(program(), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e));
      assert.match(e.message, /stack local, field stacks\/Pulumi\.local\.yaml: ocdp:claims: Pulumi's value differs from the file as ocdp reads it/);
      assert.doesNotMatch(e.message, /mallory/);
      return true;
    });
    assert.deepEqual(registered, []);
  });

  it("over budget: the run fails with the numbers before registering anything (preview and up alike)", async () => {
    const registered = mockStack("local", (c) => {
      const claims = c["ocdp:claims"] as { name: string; values?: Record<string, unknown> }[];
      claims.find((x) => x.name === "cs-alice")!.values = { gpu: { count: 4, memory: 1024 } };
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await assert.rejects(program(), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e));
      assert.match(e.message, /stack local, field ocdp:policy\.workspaces\.team-a\.budget: workspace team-a: nvidia\.com\/gpu 5 > budget 4 \(cs-alice 4, vllm-qwen 1\)/);
      return true;
    });
    assert.deepEqual(registered, []);
  });

  it("an owner the directory does not admit fails the run the same way", async () => {
    const registered = mockStack("local", (c) => {
      (c["ocdp:claims"] as { owner: unknown }[])[0].owner = { user: "alice", groups: ["platform"] };
    });
    const program = require("../../src/index") as () => Promise<unknown>;
    await assert.rejects(program(), (e: Error) => pulumi.RunError.isInstance(e) && /claim cs-alice, field owner\.groups: not accepted/.test(e.message));
    assert.deepEqual(registered, []);
  });
});
