import { describe, expect, it } from "vitest";
import { bakeGate } from "../../src/gates/bake.js";
import { contextFor } from "./support/context.js";

const completedAt = new Date("2025-01-14T10:00:00Z");
const at = (minutes: number) => new Date(completedAt.getTime() + minutes * 60_000);
const canaryDone = [{ name: "canary", conclusion: "success" as const, completedAt }];

describe("bake gate", () => {
  it("is closed until the previous stage has been live for its bake time, then opens", () => {
    const early = bakeGate(contextFor("production", { stages: canaryDone, now: at(12) }));
    expect(early.ok).toBe(false);
    expect(early.reason).toBe("canary has been live for 12m of its 30m bake time.");
    expect(early.until).toEqual(at(30));
    expect(early.next).toContain("2025-01-14T10:30:00Z");

    const justBefore = bakeGate(
      contextFor("production", { stages: canaryDone, now: new Date(at(30).getTime() - 1) }),
    );
    expect(justBefore.ok).toBe(false);

    const done = bakeGate(contextFor("production", { stages: canaryDone, now: at(30) }));
    expect(done).toMatchObject({ ok: true, reason: "canary has been live for 30m (bake 30m)." });
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
