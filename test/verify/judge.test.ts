import { describe, expect, it } from "vitest";
import { classifyMetric, judge, type MetricInput } from "../../src/verify/canary/judge.js";

const baseline = [1.0, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98, 1.01];
const metric = (over: Partial<MetricInput> = {}): MetricInput => ({
  name: "errors",
  canary: baseline.map((v) => v * 1.01 + 0.001),
  baseline,
  direction: "increase",
  tolerance: 0.25,
  weight: 1,
  critical: false,
  missingData: "inconclusive",
  ...over,
});
const doubled = baseline.map((v) => v * 2);
const halved = baseline.map((v) => v / 2);

describe("classifyMetric (Kayenta MannWhitneyClassifier semantics)", () => {
  it("passes identical samples", () => {
    expect(classifyMetric(metric({ canary: [...baseline].reverse() }), 0.98)).toMatchObject({
      classification: "Pass",
      passed: true,
      reason: "canary and baseline samples are identical",
    });
  });

  it("classifies a canary at twice the baseline as High: exact p = 2 / choose(16, 8)", () => {
    const result = classifyMetric(metric({ canary: doubled }), 0.98);
    expect(result.classification).toBe("High");
    expect(result.passed).toBe(false);
    expect(result.ratio).toBeCloseTo(2, 10);
    expect(result.pValue).toBeCloseTo(2 / 12870, 10);
  });

  it("does not flag a significant difference smaller than the tolerance", () => {
    const result = classifyMetric(metric({ canary: baseline.map((v) => v * 1.2) }), 0.98);
    expect(result.pValue).toBeLessThan(0.02);
    expect(result).toMatchObject({ classification: "Pass", passed: true });
    expect(result.reason).toContain("within tolerance ±25%");
  });

  it("does not flag a large but insignificant difference", () => {
    const result = classifyMetric(metric({ canary: [0.5, 3, 0.4, 2.9, 0.6, 3.1, 0.45, 2.8] }), 0.98);
    expect(result).toMatchObject({ classification: "Pass", passed: true });
    expect(result.reason).toContain("no significant difference");
  });

  it("honours direction: lower is fine for an increase metric, higher is fine for a decrease metric", () => {
    expect(classifyMetric(metric({ canary: halved }), 0.98)).toMatchObject({
      classification: "Pass",
      passed: true,
    });
    expect(classifyMetric(metric({ canary: halved, direction: "decrease" }), 0.98)).toMatchObject({
      classification: "Low",
      passed: false,
    });
    expect(classifyMetric(metric({ canary: doubled, direction: "decrease" }), 0.98)).toMatchObject({
      passed: true,
    });
    expect(classifyMetric(metric({ canary: halved, direction: "either" }), 0.98).passed).toBe(false);
  });

  it("treats missing and too few samples as no data, decided by the missing-data policy", () => {
    expect(classifyMetric(metric({ canary: [] }), 0.98)).toMatchObject({
      classification: "NoData",
      passed: undefined,
    });
    expect(classifyMetric(metric({ canary: [], missingData: "fail" }), 0.98).passed).toBe(false);
    expect(classifyMetric(metric({ baseline: [], missingData: "pass" }), 0.98).passed).toBe(true);
    // 4 against 4 can never reach p < 0.02 (smallest exact p = 2/70 = 0.029).
    const few = classifyMetric(metric({ canary: [5, 6, 7, 8], baseline: [1, 2, 3, 4] }), 0.98);
    expect(few.classification).toBe("NoData");
    expect(few.reason).toContain("too few samples (4 canary, 4 baseline) to reach 98% confidence");
  });
});

describe("judge (NetflixACAJudge score)", () => {
  it("scores 100 * passing weight / total weight and classifies against pass and marginal", () => {
    const metrics = [
      metric({ name: "latency", weight: 1 }),
      metric({ name: "cpu", weight: 1, canary: doubled }),
      metric({ name: "errors", weight: 2 }),
    ];
    const result = judge(metrics, { confidence: 0.98, pass: 95, marginal: 75 });
    expect(result.score).toBe(75);
    expect(result.result).toBe("Marginal");
    expect(result.reason).toMatch(/^score 75 \(pass 95, marginal 75\); cpu: canary is higher than baseline/);
    expect(judge(metrics, { confidence: 0.98, pass: 70, marginal: 50 }).result).toBe("Pass");
    const heavier = judge(
      [metric({ name: "a", weight: 1 }), metric({ name: "b", weight: 3, canary: doubled })],
      { confidence: 0.98, pass: 95, marginal: 75 },
    );
    expect(heavier).toMatchObject({ score: 25, result: "Fail" });
  });

  it("fails with score 0 when a critical metric fails, whatever the others", () => {
    const result = judge([
      metric({ name: "a", weight: 10 }),
      metric({ name: "errors", critical: true, canary: doubled }),
    ]);
    expect(result).toMatchObject({ score: 0, result: "Fail" });
    expect(result.reason).toContain("critical metric errors failed");
  });

  it("leaves the decision to a human when a metric has no data under missing-data: inconclusive", () => {
    const result = judge([metric({ name: "a" }), metric({ name: "b", canary: [] })]);
    expect(result.result).toBe("NoData");
    expect(result.score).toBeUndefined();
    expect(result.reason).toBe("b: no canary samples (missing-data: inconclusive)");
  });

  it("counts no data as a failure under missing-data: fail", () => {
    expect(
      judge([metric({ name: "a" }), metric({ name: "b", canary: [], missingData: "fail" })]),
    ).toMatchObject({
      score: 50,
      result: "Fail",
    });
  });

  it("passes when every metric passes", () => {
    expect(judge([metric({ name: "a" }), metric({ name: "b" })])).toMatchObject({
      score: 100,
      result: "Pass",
    });
  });
});
