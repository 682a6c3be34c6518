import { describe, expect, it } from "vitest";
import { orderGate } from "../../src/gates/order.js";
import { contextFor } from "./support/context.js";

describe("order gate", () => {
  it("opens for the first stage", () => {
    expect(orderGate(contextFor("staging"))).toMatchObject({ ok: true });
  });

  it("opens when the previous stage succeeded for this release", () => {
    const r = orderGate(contextFor("production"));
    expect(r).toMatchObject({ ok: true, reason: "canary succeeded for v1.2.0." });
  });

  it("closes when the previous stage has not run, and says how to deploy it first", () => {
    const r = orderGate(contextFor("production", { stages: [{ name: "staging", conclusion: "success" }] }));
    expect(r.ok).toBe(false);
    expect(r.reason).toBe(
      "canary has not run for v1.2.0; stages run in order (staging -> canary -> production).",
    );
    expect(r.next).toContain("/deploy v1.2.0 to canary");
  });

  it("closes while the previous stage is still running", () => {
    const r = orderGate(
      contextFor("production", { stages: [{ name: "canary", conclusion: "in_progress" }] }),
    );
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("canary is still running") });
  });

  it("lets a recorded hotfix skip a stage that has not run, and says so", () => {
    const r = orderGate(
      contextFor("production", { stages: [], hotfix: { by: "carol", reason: "payments down" } }),
    );
    expect(r.ok).toBe(true);
    expect(r.reason).toContain('hotfix recorded by @carol: "payments down"');
  });

  it("never lets a hotfix past a stage that failed for this release", () => {
    const r = orderGate(
      contextFor("production", {
        stages: [{ name: "canary", conclusion: "failure" }],
        hotfix: { by: "carol", reason: "payments down" },
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("canary failed for v1.2.0");
  });
});
