import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { plainStackTraces } from "../../src/pulumi/stackTraces";

describe("plainStackTraces", () => {
  const original = Error.prepareStackTrace;
  afterEach(() => { Error.prepareStackTrace = original; });
  const mapping = () => "mapped";

  for (const { env, mapped } of [
    { env: {}, mapped: false },
    { env: { OCDP_SOURCE_MAPS: "0" }, mapped: false },
    { env: { OCDP_SOURCE_MAPS: "1" }, mapped: true },
  ]) {
    it(`${JSON.stringify(env)}: stacks ${mapped ? "still go through the installed mapper" : "are V8's own"}`, () => {
      Error.prepareStackTrace = mapping;
      plainStackTraces(env);
      const stack = new Error("x").stack ?? "";
      if (mapped) assert.equal(stack, "mapped");
      else {
        assert.equal("prepareStackTrace" in Error, false);
        assert.match(stack, /^Error: x\n\s+at .*stackTraces\.test\.js:\d+:\d+/);
      }
    });
  }
});
