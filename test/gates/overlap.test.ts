import { describe, expect, it } from "vitest";
import { overlapGate } from "../../src/gates/overlap.js";
import { contextFor } from "./support/context.js";

const busy = {
  runId: 41,
  release: "v1.1.0",
  stage: "production",
  environment: "production",
  url: "https://github.com/acme/shop/actions/runs/41",
};

describe("overlap gate", () => {
  it("closes while another Shipline rollout runs in the same environment, naming it", () => {
    const r = overlapGate(contextFor("production", { activeRollouts: [busy] }));
    expect(r).toMatchObject({ gate: "overlap", ok: false });
    expect(r.reason).toBe(
      "v1.1.0 is still deploying to production (stage production, https://github.com/acme/shop/actions/runs/41).",
    );
    expect(overlapGate(contextFor("staging", { activeRollouts: [busy] })).ok).toBe(true);
  });
});
