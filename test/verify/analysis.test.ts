import { describe, expect, it } from "vitest";
import { analyse, type Limits } from "../../src/verify/analysis.js";
import type { Phase, Round } from "../../src/verify/types.js";

const limits = (over: Partial<Limits> = {}): Limits => ({
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  ...over,
});
const rounds = (...phases: Phase[]): Round[] =>
  phases.map((phase, i) => ({
    index: i + 1,
    at: i * 1000,
    results: [{ name: "errors", kind: "threshold", measurement: { phase, message: `m${i + 1}` } }],
  }));
const run = (l: Limits, phases: Phase[], complete = false) =>
  analyse([{ name: "errors", limits: l }], rounds(...phases), complete);

describe("analyse (Argo Rollouts analysis semantics)", () => {
  it("fails on the first failure with the default failure-limit 0, naming the round", () => {
    const state = run(limits(), ["Successful", "Failed"]);
    expect(state.outcome).toBe("failed");
    expect(state.reason).toBe(
      "Verification failed.\nerrors: 1 failed measurement (failure-limit 0); round 2: m2",
    );
  });

  it("tolerates failures up to failure-limit", () => {
    expect(run(limits({ failureLimit: 1 }), ["Failed", "Successful"]).outcome).toBe("running");
    expect(run(limits({ failureLimit: 1 }), ["Failed", "Successful"], true).outcome).toBe("passed");
    expect(run(limits({ failureLimit: 1 }), ["Failed", "Successful", "Failed"]).outcome).toBe("failed");
  });

  it("stops as inconclusive beyond inconclusive-limit and asks a human", () => {
    const state = run(limits({ inconclusiveLimit: 1 }), ["Inconclusive", "Successful", "Inconclusive"]);
    expect(state.outcome).toBe("inconclusive");
    expect(state.reason).toContain("2 inconclusive measurements (inconclusive-limit 1); round 3: m3");
    expect(state.reason).toContain("comment /promote to continue or /rollback to roll back");
  });

  it("errors only after more than consecutive-error-limit errors in a row; a measurement resets the run", () => {
    const l = limits({ consecutiveErrorLimit: 2 });
    expect(run(l, ["Error", "Error", "Successful", "Error", "Error"]).outcome).toBe("running");
    const state = run(l, ["Error", "Error", "Successful", "Error", "Error", "Error"]);
    expect(state.outcome).toBe("error");
    expect(state.reason).toContain("3 errors in a row (consecutive-error-limit 2); round 6: m6");
  });

  it("does not pass a check that never measured anything, unlike Argo", () => {
    const state = run(limits(), ["Error", "Error"], true);
    expect(state.outcome).toBe("error");
    expect(state.reason).toContain("never measured: 2 errors");
  });

  it("ranks failed above error above inconclusive across checks", () => {
    const mixed: Round[] = [
      {
        index: 1,
        at: 0,
        results: [
          { name: "a", kind: "threshold", measurement: { phase: "Inconclusive", message: "no data" } },
          { name: "b", kind: "threshold", measurement: { phase: "Failed", message: "too high" } },
        ],
      },
    ];
    const state = analyse(
      [
        { name: "a", limits: limits() },
        { name: "b", limits: limits() },
      ],
      mixed,
      false,
    );
    expect(state.outcome).toBe("failed");
    expect(state.checks.map((c) => c.phase)).toEqual(["Inconclusive", "Failed"]);
  });

  it("notes checks that passed only because missing-data is pass", () => {
    const r: Round[] = [
      {
        index: 1,
        at: 0,
        results: [
          {
            name: "errors",
            kind: "threshold",
            measurement: { phase: "Successful", message: "x", noData: true },
          },
        ],
      },
    ];
    const state = analyse([{ name: "errors", limits: limits() }], r, true);
    expect(state.outcome).toBe("passed");
    expect(state.reason).toContain(
      "errors had no data in some rounds, counted as passing because missing-data is pass",
    );
  });
});
