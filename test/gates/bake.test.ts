import { describe, expect, it } from "vitest";
import { bakeGate } from "../../src/gates/bake.js";
import { contextFor } from "./support/context.js";

const completedAt = new Date("2025-01-14T10:00:00Z");
const at = (minutes: number) => new Date(completedAt.getTime() + minutes * 60_000);
const canaryDone = [{ name: "canary", conclusion: "success" as const, completedAt }];

describe("bake gate", () => {
  it("opens once the previous stage succeeded: its deploy job baked before succeeding", () => {
    // The Action verifies a stage for its whole bake time before the job (and so the stage) succeeds.
    const r = bakeGate(contextFor("production", { stages: canaryDone, now: at(0) }));
    expect(r).toMatchObject({
      ok: true,
      reason: "canary baked for 30m in its deploy job and succeeded at 2025-01-14T10:00:00Z.",
    });
  });

  it("opens when the previous stage has no bake time", () => {
    expect(bakeGate(contextFor("canary", { now: at(0) }))).toMatchObject({
      ok: true,
      reason: "staging has no bake time.",
    });
  });

  it("is closed when the previous stage has not finished", () => {
    const r = bakeGate(contextFor("production", { stages: [{ name: "canary", conclusion: "in_progress" }] }));
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("has not finished") });
  });
});
