// The folders are the design: imports run one way, from the CLI and the program down to config.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../helpers";

const LAYERS = ["config", "catalog", "steps", "offline", "pulumi", "cli", "program"];

function layerOf(file: string): string {
  const rel = relative(join(ROOT, "src"), file);
  return rel === "index.ts" ? "program" : rel.split("/")[0];
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

describe("the source layout", () => {
  const files = sources(join(ROOT, "src"));

  it("every file sits in a layer (or is the cdk8s bases' own corner)", () => {
    const stray = files.filter((f) => !LAYERS.includes(layerOf(f)) && layerOf(f) !== "apps");
    assert.deepEqual(stray.map((f) => relative(ROOT, f)), []);
  });

  it("imports run one way: cli -> pulumi -> offline -> steps -> catalog -> config", () => {
    const wrong: string[] = [];
    for (const f of files) {
      const from = layerOf(f);
      if (from === "apps") continue;
      for (const m of readFileSync(f, "utf8").matchAll(/(?:from|import)\s+"(\.{1,2}\/[^"]+)"/g)) {
        const to = layerOf(resolve(dirname(f), m[1]));
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from)) wrong.push(`${relative(ROOT, f)} (${from}) imports ${m[1]} (${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("the pure steps start no process and know nothing of Pulumi", () => {
    const impure = files.filter((f) => layerOf(f) === "steps")
      .filter((f) => /from "(node:child_process|execa|@pulumi\/[^"]+)"/.test(readFileSync(f, "utf8")));
    assert.deepEqual(impure.map((f) => relative(ROOT, f)), []);
  });
});
