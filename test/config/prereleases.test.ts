import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse.js";

const yaml = (value: string) =>
  `stages:\n  - { name: staging }\n  - { name: production, prereleases: ${value} }\n`;

describe("a stage's prereleases setting", () => {
  it("is read as written, and left unset when absent (the gate applies the default)", () => {
    const result = parseConfig(yaml("true"));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.config.pipelines[0]!.stages.map((s) => s.prereleases)).toEqual([undefined, true]);
  });

  it("refuses anything but true or false, pointing at the line", () => {
    const result = parseConfig(yaml('"yes"'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.objectContaining({ path: "stages[1].prereleases", line: 3 })]);
  });
});
