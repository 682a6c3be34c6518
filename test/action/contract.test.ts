import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { expect, it } from "vitest";
import { Input, Output } from "../../action/src/io.js";
import { ROOT } from "./helpers/bundle.js";

const meta = load(readFileSync(join(ROOT, "action/action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
};

it("declares exactly the inputs and outputs the code reads and sets", () => {
  expect(Object.keys(meta.inputs).sort()).toEqual(Object.values(Input).sort());
  expect(Object.keys(meta.outputs).sort()).toEqual(Object.values(Output).sort());
});

it("runs the bundled ESM entry on Node 24", () => {
  expect(meta.runs).toEqual({ using: "node24", main: "dist/index.js" });
  expect(JSON.parse(readFileSync(join(ROOT, "action/dist/package.json"), "utf8"))).toEqual({
    type: "module",
  });
  expect(meta.inputs.token?.default).toBe(["$", "{{ github.token }}"].join(""));
  expect(meta.inputs.mode?.default).toBe("rollout");
});
