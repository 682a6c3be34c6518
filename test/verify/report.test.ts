import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/verify/report.js";
import type { Round } from "../../src/verify/types.js";

const round = (index: number, value: number): Round => ({
  index,
  at: Date.UTC(2026, 0, 1) + index * 60_000,
  results: [
    {
      name: "error-rate",
      kind: "threshold",
      measurement: { phase: "Successful", value, message: `${value} within max 0.05` },
    },
  ],
});

const report = (rounds: Round[]) =>
  renderReport({
    stage: "canary",
    release: "v1.2.3",
    outcome: "passed",
    reason: "All checks passed.",
    rounds,
  });

describe("the verification report", () => {
  it("draws no chart for a single round: the value is in the tables", () => {
    const text = report([round(1, 0.01)]);
    expect(text).toContain("| 1 |");
    expect(text).not.toContain("xychart-beta");
    expect(text).not.toContain("#### Charts");
  });

  it("draws a chart once there is a series of two rounds or more", () => {
    const text = report([round(1, 0.01), round(2, 0.02)]);
    expect(text).toContain("#### Charts");
    expect(text).toContain("  line [0.01, 0.02]");
  });

  it("opens with a bold status line, not a heading that repeats the check run's own 'Verification' heading", () => {
    const text = report([round(1, 0.01)]);
    expect(text.split("\n")[0]).toBe("**v1.2.3 in canary: ✅ passed**");
    expect(text).not.toMatch(/^#{1,3} /m);
    expect(text.match(/Verification/g) ?? []).toEqual([]);
  });
});
