import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCached } from "../../src/app/load-config.js";

const CONFIG = `${readFileSync(new URL("../fixtures/shipline-no-approvals.yml", import.meta.url), "utf8")}# parsed-config-cache\n`;

describe("the parsed-config cache", () => {
  it("hands the same parsed config for the same text, frozen so no event can change another's", () => {
    const a = parseCached(CONFIG, undefined);
    expect(a.ok).toBe(true);
    expect(parseCached(CONFIG, undefined)).toBe(a);
    if (!a.ok) return;
    expect(Object.isFrozen(a.config.pipelines[0]!.stages[0])).toBe(true);
    expect(() => {
      (a.config.pipelines[0]!.stages as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it("keys on the organisation defaults too, and keeps an invalid config's problems", () => {
    const plain = parseCached(CONFIG, undefined);
    const withDefaults = parseCached(CONFIG, "rollback: { automatic: false }\n");
    expect(withDefaults).not.toBe(plain);
    expect(withDefaults.ok && withDefaults.config.pipelines[0]!.rollback.automatic).toBe(false);
    const bad = parseCached("stages: 3\n# parsed-config-cache\n", undefined);
    expect(bad.ok).toBe(false);
    expect(parseCached("stages: 3\n# parsed-config-cache\n", undefined)).toBe(bad);
  });

  it("is bounded: a config not used for 50 others is parsed again", () => {
    const first = parseCached(CONFIG, undefined);
    for (let i = 0; i < 50; i++) parseCached(`${CONFIG}# other ${i}\n`, undefined);
    const again = parseCached(CONFIG, undefined);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
