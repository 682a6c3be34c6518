import type { Check } from "../../config/schema/checks.js";
import { DEFAULT_SCORING, type JudgeResult, judge, type MetricInput, type Scoring } from "../canary/judge.js";
import type { Measurement, Series } from "../types.js";

/** Every value of every series, pooled: the samples of one side of a canary comparison. */
export function samples(series: readonly Series[]): number[] {
  return series.flatMap((s) => s.points.map((p) => p.v)).filter((v) => Number.isFinite(v));
}

export function metricInput(
  name: string,
  check: Check,
  canary: readonly Series[],
  baseline: readonly Series[],
): MetricInput {
  return {
    name,
    canary: samples(canary),
    baseline: samples(baseline),
    direction: check.direction ?? "increase",
    tolerance: check.tolerance ?? 0.25,
    weight: check.weight ?? 1,
    critical: check.critical ?? false,
    missingData: check["missing-data"] ?? "inconclusive",
  };
}

/** The strictest scoring among the stage's canary checks (highest thresholds, highest confidence). */
export function stageScoring(checks: readonly Check[]): Scoring {
  const declared = checks.map((c) => c.scoring).filter((s): s is NonNullable<typeof s> => s !== undefined);
  if (declared.length === 0) return DEFAULT_SCORING;
  return {
    pass: Math.max(...declared.map((s) => s.pass)),
    marginal: Math.max(...declared.map((s) => s.marginal)),
    confidence: Math.max(...declared.map((s) => s.confidence)),
  };
}

/**
 * The joint canary measurement of a round, as Argo Rollouts maps a Kayenta score: Pass -> Successful,
 * Marginal -> Inconclusive (a human decides), Fail -> Failed; NoData -> Inconclusive, flagged as missing data.
 */
export function canaryMeasurement(result: JudgeResult): Measurement {
  const score = result.score;
  switch (result.result) {
    case "Pass":
      return { phase: "Successful", value: score!, message: `canary passed: ${result.reason}` };
    case "Marginal":
      return { phase: "Inconclusive", value: score!, message: `canary marginal: ${result.reason}` };
    case "Fail":
      return { phase: "Failed", value: score!, message: `canary failed: ${result.reason}` };
    case "NoData":
      return { phase: "Inconclusive", message: `canary not judged: ${result.reason}`, noData: true };
  }
}

export { judge };
