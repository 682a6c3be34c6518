// Property tests for the config parser (.github/shipline.yml is written by anyone who can push a branch or cut
// a release): whatever the text, parseConfig never throws, and either resolves a config or lists problems,
// each with a path (and, when it has one, a line inside the file).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../src/config/index.js";
import type { ConfigResult } from "../../src/config/types.js";

function wellFormed(text: string, result: ConfigResult): void {
  if (result.ok) {
    expect(result.config.pipelines.length).toBeGreaterThan(0);
    for (const p of result.config.pipelines) expect(p.stages.length).toBeGreaterThan(0);
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const problem of result.problems) {
    expect(typeof problem.path).toBe("string");
    expect(problem.path.length).toBeGreaterThan(0);
    expect(typeof problem.message).toBe("string");
    if (problem.line !== undefined) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.line).toBeLessThanOrEqual(lines + 1);
    }
  }
}

const YAMLISH = [
  "stages:",
  "  - name: staging",
  "  - { name: prod, bake: 1h }",
  "workflow: shipline.yml",
  "artifacts:",
  '  assets: ["app-*.tar.gz"]',
  "  checksums: SHA256SUMS",
  "targets:",
  "  eu: [web-1]",
  "waves: [50, 100]",
  "&a [*a]",
  "*a",
  "<<: *a",
  "!!binary aGk=",
  "!!python/object:os.system",
  "- -",
  "? x",
  ": y",
  "'",
  '"',
  "{",
  "[",
  "---",
  "...",
  "%YAML 1.2",
  "#",
  "\t",
  "key: &x { a: *x }",
  "pipelines:",
  "  - name: p",
  "    tags: v*",
  "rollback: { automatic: yes }",
  'gates: { production-actors: ["@o/t"] }',
  "percent: 200",
  "bake: -1h",
  'environment: "\u202Eevil"',
  "name: \u0000",
  "__proto__: { polluted: true }",
  "constructor: { prototype: 1 }",
];

const yamlish = fc
  .array(fc.oneof(fc.constantFrom(...YAMLISH), fc.string({ maxLength: 20 })), { maxLength: 30 })
  .chain((lines) =>
    fc
      .array(fc.integer({ min: 0, max: 6 }), { minLength: lines.length, maxLength: lines.length })
      .map((ind) => lines.map((l, i) => " ".repeat(ind[i]!) + l).join("\n")),
  );

const KEYS = [
  "stages",
  "workflow",
  "artifacts",
  "targets",
  "driver",
  "name",
  "environment",
  "waves",
  "bake",
  "pipelines",
  "tags",
  "rollback",
  "gates",
  "percent",
  "assets",
  "checksums",
  "approvals",
  "__proto__",
];
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { maxDepth: 4 },
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      Number.POSITIVE_INFINITY,
      50,
      "1h",
      "shipline.yml",
      "staging",
      "",
    ),
    fc.string({ maxLength: 12 }),
    fc.double(),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie("node"), {
      maxKeys: 5,
    }),
  ),
})).node;

describe("parseConfig on arbitrary input", () => {
  it("never throws on YAML-ish text, and answers ok or problems with a path", () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        wellFormed(text, parseConfig(text));
      }),
      { numRuns: 400 },
    );
  });

  it("never throws on random objects of any shape, and answers ok or problems with a path", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }), (object) => {
        let text: string;
        try {
          text = stringify(object);
        } catch {
          return; // not representable as YAML: nothing to parse
        }
        wellFormed(text, parseConfig(text));
      }),
      { numRuns: 400 },
    );
  });

  it("never throws on arbitrary Unicode text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        wellFormed(text, parseConfig(text));
      }),
      { numRuns: 300 },
    );
  });
});
