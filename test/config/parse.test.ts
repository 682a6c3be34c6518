import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatProblems, parseConfig, pipelineForTag } from "../../src/config/index.js";
import { configJsonSchema } from "../../src/config/json-schema.js";

const example = readFileSync(new URL("../../examples/shipline.yml", import.meta.url), "utf8");

function problems(text: string, orgDefaults?: string) {
  const result = parseConfig(text, orgDefaults === undefined ? {} : { orgDefaults });
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}

describe("parseConfig", () => {
  it("resolves the example with every default applied", () => {
    const result = parseConfig(example);
    if (!result.ok) throw new Error(formatProblems(result.problems));
    const [pipeline] = result.config.pipelines;
    expect(pipeline!.stages.map((s) => [s.name, s.environment, s.production, s.approvals])).toEqual([
      ["staging", "staging", false, 0],
      ["canary", "production", true, 1],
      ["production", "production", true, 1],
    ]);
    expect(pipeline).toMatchObject({
      name: "default",
      workflow: "shipline.yml",
      tags: "*",
      rollback: { automatic: true, lock: true },
    });
  });

  it("names the path and line of every problem", () => {
    const text = [
      "stages:",
      "  - name: staging",
      "    waves: [50, 20]",
      "  - { name: prod, bogus: 1, bake: soon }",
      "workflow: 12",
    ].join("\n");
    expect(problems(text).map((p) => `${p.path}@${p.line}: ${p.message}`)).toEqual([
      "workflow@5: expected text, but this is the number 12",
      "stages[0].waves@3: `waves` must increase, e.g. [25, 50, 100]",
      'stages[1].bake@4: expected a duration such as "90s", "30m", "1h30m" or "2d"',
      expect.stringMatching(
        /^stages\[1\]\.bogus@4: unknown key `bogus` \(stages\[1\] takes: name, environment, targets, percent, /,
      ),
    ]);
  });

  it("reports an unknown key at its own line with the nearest valid key", () => {
    const text = [
      "workflow: shipline.yml",
      "stages:",
      "  - { name: staging }",
      "rollback:",
      "  automatic: true",
      "  lokc: true",
      "stagse: []",
      "gates:",
      "  windows: { allow: ['Mon-Fri 09:00-16:00'], timzone: UTC }",
      "notfiy: {}",
    ].join("\n");
    expect(problems(text).map((p) => `${p.path}@${p.line}: ${p.message}`)).toEqual([
      "gates.windows.timzone@9: unknown key `timzone` (did you mean `timezone`?)",
      "rollback.lokc@6: unknown key `lokc` (did you mean `lock`?)",
      "stagse@7: unknown key `stagse` (did you mean `stages`?)",
      "notfiy@10: unknown key `notfiy` (did you mean `notify`?)",
    ]);
  });

  it("says what is wrong with a type, an option or a window in the user's words", () => {
    const text = [
      "stages:",
      "  - name: a",
      "    verify: smoke",
      "    promote: manuel",
      "    approvals: 11",
      "gates:",
      "  windows:",
      "    allow: ['Mon-Fri 25:00-26:00', 'Mon-Fir 09:00-10:00', 'Mon 9:00-10:00']",
    ].join("\n");
    expect(problems(text).map((p) => `${p.path}@${p.line}: ${p.message}`)).toEqual([
      'stages[0].verify@3: expected a list, e.g. [a, b] or one `- item` per line, but this is the text "smoke"',
      'stages[0].promote@4: the text "manuel" is not one of auto, manual (did you mean manual?)',
      "stages[0].approvals@5: must be at most 10, but this is 11",
      'gates.windows.allow[0]@8: 25:00 in "Mon-Fri 25:00-26:00" is not a time of day: a window starts between 00:00 and 23:59, e.g. "Mon-Thu 09:00-16:00" (days, a space, then a time range; 22:00-06:00 wraps midnight)',
      'gates.windows.allow[1]@8: "Fir" in "Mon-Fir 09:00-10:00" is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun (did you mean Fri?), e.g. "Mon-Thu 09:00-16:00" (days, a space, then a time range; 22:00-06:00 wraps midnight)',
      'gates.windows.allow[2]@8: "9:00-10:00" in "Mon 9:00-10:00" is not a time range: write HH:MM-HH:MM with two digits each, e.g. "Mon-Thu 09:00-16:00" (days, a space, then a time range; 22:00-06:00 wraps midnight)',
    ]);
  });

  it("names the file it was given in a YAML syntax error", () => {
    const result = parseConfig("stages: [\n", { file: "deploy/shipline.yml" });
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(["deploy/shipline.yml"]);
  });

  it("checks references between sections", () => {
    const text =
      "targets: { eu: [a] }\nstages:\n  - { name: s, targets: [us], verify: [smoke] }\n  - { name: s, waves: [50] }\n";
    expect(problems(text).map((p) => `${p.path}@${p.line}: ${p.message}`)).toEqual([
      'stages[0].targets[0]@3: unknown region "us" (regions: eu)',
      'stages[0].verify[0]@3: no check named "smoke" under checks',
      "stages[1].waves@4: the last wave must be 100 (use `percent` for a partial canary)",
      'stages[1].name@4: stage "s" is declared twice',
    ]);
  });

  it("refuses YAML syntax errors, non-mappings, alias bombs and huge files without throwing", () => {
    expect(problems("stages: [\n")[0]!.line).toBeGreaterThan(0);
    expect(problems("- a\n- b\n")[0]!.message).toContain("must be a YAML mapping");
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...["b", "c", "d", "e", "f"].map(
        (k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcde"[i]}`).join(",")}]`,
      ),
    ].join("\n");
    expect(problems(bomb)[0]!.message).toMatch(/alias/i);
    expect(problems(`x: "${"y".repeat(300 * 1024)}"`)[0]!.message).toContain("larger than 256 KiB");
  });

  it("applies organisation defaults under the repository's file, then validates the result", () => {
    const org =
      "gates: { windows: { timezone: Europe/London, allow: ['Mon-Thu 09:00-16:00'] } }\nrollback: { automatic: true, lock: false }\n";
    const result = parseConfig("stages: [{ name: production }]\nrollback: { automatic: false }\n", {
      orgDefaults: org,
    });
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(result.config.pipelines[0]!.gates.windows?.allow).toEqual(["Mon-Thu 09:00-16:00"]);
    expect(result.config.pipelines[0]!.rollback).toEqual({ automatic: false, lock: false });
    expect(problems("stages: [{ name: p }]", "gates: { windows: { allow: ['Someday'] } }")[0]!.path).toBe(
      "gates.windows.allow[0]",
    );
  });

  it("matches a monorepo's releases to their pipelines by tag", () => {
    const text = [
      "targets: { eu: [a, b] }",
      "pipelines:",
      "  api: { tags: 'api/v*', stages: [{ name: staging }, { name: production }] }",
      "  web: { tags: 'web/v*', workflow: web-deploy.yml, stages: [{ name: production }] }",
    ].join("\n");
    const result = parseConfig(text);
    if (!result.ok) throw new Error(formatProblems(result.problems));
    expect(pipelineForTag(result.config, "api/v1.2.0")?.name).toBe("api");
    expect(pipelineForTag(result.config, "web/v3.0.1")).toMatchObject({
      name: "web",
      workflow: "web-deploy.yml",
      targets: { eu: ["a", "b"] },
    });
    expect(pipelineForTag(result.config, "v1.0.0")).toBeUndefined();
  });
});

describe("the committed JSON Schema", () => {
  it("is what the zod schema generates (run `npm run schema` after changing it)", () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../schema/shipline.schema.json", import.meta.url), "utf8"),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it("accepts the example config and rejects an unknown key, as editors will", () => {
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(configJsonSchema());
    expect(validate(parse(example))).toBe(true);
    expect(validate({ stages: [{ name: "x", bogus: true }] })).toBe(false);
  });
});
