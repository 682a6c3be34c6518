/**
 * Canary vs baseline judgement in the manner of Netflix's Kayenta NetflixACAJudge (spinnaker/kayenta,
 * kayenta-judge: `MannWhitneyClassifier`, `NetflixACAJudge`, `ThresholdScoreClassifier`).
 *
 * Per metric (one Shipline check of kind `canary`):
 *  1. No samples on either side -> NoData (then the check's `missing-data` policy decides; never a silent pass).
 *  2. Identical samples, or a single distinct value across both -> Pass (as Kayenta).
 *  3. Too few samples for the test to ever reach the confidence (the smallest exact two-sided p-value,
 *     2 / choose(n1 + n2, n1), is not below 1 - confidence) -> NoData, said so.
 *  4. Mann-Whitney U test of canary against baseline (R's wilcox.test, see ../stats/mann-whitney.ts).
 *     High when the difference is significant at the configured confidence (p < 1 - confidence), the canary
 *     ranks higher, and the effect size (ratio of means, canary / baseline) exceeds 1 + tolerance; Low
 *     symmetrically below 1 - tolerance. Kayenta checks that the confidence interval of the Hodges-Lehmann
 *     shift excludes a band around zero; by test inversion the interval at level `confidence` excludes zero
 *     exactly when p < 1 - confidence, and the band is replaced by the mean-ratio effect size of Kayenta's
 *     later `effectSizeThresholds` (MeanRatio), which reads more plainly in a report.
 *  5. The metric's direction: a High on a `decrease` metric, or a Low on an `increase` metric, is a Pass.
 *
 * Score (NetflixACAJudge): 100 * sum(weights of passing metrics) / sum(all weights). A critical metric that
 * is High/Low (in its bad direction) makes the score 0 and the result Fail. Result (ThresholdScoreClassifier):
 * score >= pass -> Pass; score >= marginal -> Marginal; otherwise Fail.
 */
import { mean, median } from "../stats/descriptive.js";
import { mannWhitneyU, smallestExactPValue } from "../stats/mann-whitney.js";

export type Direction = "increase" | "decrease" | "either";
export type MissingData = "fail" | "inconclusive" | "pass";
export type Classification = "High" | "Low" | "Pass" | "NoData";

export interface MetricInput {
  name: string;
  canary: readonly number[];
  baseline: readonly number[];
  direction: Direction;
  /** Allowed effect size: a ratio of means within [1 - tolerance, 1 + tolerance] is never a difference. */
  tolerance: number;
  weight: number;
  critical: boolean;
  missingData: MissingData;
}

export interface Scoring {
  /** Confidence level of the Mann-Whitney test, e.g. 0.98. */
  confidence: number;
  pass: number;
  marginal: number;
}

export interface MetricResult {
  name: string;
  classification: Classification;
  /** Whether the metric counts as passing in the score. `undefined` for NoData left to a human. */
  passed: boolean | undefined;
  weight: number;
  critical: boolean;
  canaryCount: number;
  baselineCount: number;
  canaryMean?: number;
  baselineMean?: number;
  canaryMedian?: number;
  baselineMedian?: number;
  /** canary mean / baseline mean. */
  ratio?: number;
  pValue?: number;
  reason: string;
}

export type JudgeOutcome = "Pass" | "Marginal" | "Fail" | "NoData";

export interface JudgeResult {
  result: JudgeOutcome;
  /** 0..100; undefined when the result is NoData. */
  score?: number;
  metrics: MetricResult[];
  reason: string;
}

export const DEFAULT_SCORING: Scoring = { confidence: 0.98, pass: 95, marginal: 75 };

function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return "n/a";
  if (!Number.isFinite(n)) return n > 0 ? "∞" : "-∞";
  return Number(n.toPrecision(4)).toString();
}

function ratioOf(canaryMean: number, baselineMean: number): number {
  if (baselineMean === 0) return canaryMean === 0 ? 1 : canaryMean > 0 ? Infinity : -Infinity;
  return canaryMean / baselineMean;
}

export function classifyMetric(input: MetricInput, confidence: number): MetricResult {
  const base = {
    name: input.name,
    weight: input.weight,
    critical: input.critical,
    canaryCount: input.canary.length,
    baselineCount: input.baseline.length,
  };
  const noData = (reason: string): MetricResult => {
    const policy = input.missingData;
    const passed = policy === "pass" ? true : policy === "fail" ? false : undefined;
    return { ...base, classification: "NoData", passed, reason: `${reason} (missing-data: ${policy})` };
  };
  if (input.canary.length === 0 || input.baseline.length === 0) {
    const which =
      input.canary.length === 0
        ? input.baseline.length === 0
          ? "canary and baseline"
          : "canary"
        : "baseline";
    return noData(`no ${which} samples`);
  }
  const stats = {
    canaryMean: mean(input.canary),
    baselineMean: mean(input.baseline),
    canaryMedian: median(input.canary),
    baselineMedian: median(input.baseline),
  };
  const ratio = ratioOf(stats.canaryMean, stats.baselineMean);
  const sortedC = [...input.canary].sort((a, b) => a - b);
  const sortedB = [...input.baseline].sort((a, b) => a - b);
  if (sortedC.length === sortedB.length && sortedC.every((v, i) => v === sortedB[i])) {
    return {
      ...base,
      ...stats,
      ratio: 1,
      classification: "Pass",
      passed: true,
      reason: "canary and baseline samples are identical",
    };
  }
  if (new Set([...input.canary, ...input.baseline]).size === 1) {
    return {
      ...base,
      ...stats,
      ratio: 1,
      classification: "Pass",
      passed: true,
      reason: "a single value on both sides",
    };
  }
  const alpha = 1 - confidence;
  const floor = smallestExactPValue(input.canary.length, input.baseline.length);
  if (floor >= alpha) {
    return {
      ...noData(
        `too few samples (${input.canary.length} canary, ${input.baseline.length} baseline) to reach ${confidence * 100}% confidence`,
      ),
      ...stats,
      ratio,
    };
  }
  const test = mannWhitneyU(input.canary, input.baseline);
  const significant = test.pValue < alpha;
  const canaryHigher = test.w > (test.n1 * test.n2) / 2;
  const high = significant && canaryHigher && ratio > 1 + input.tolerance;
  const low = significant && !canaryHigher && ratio < 1 - input.tolerance;
  const shared = { ...base, ...stats, ratio, pValue: test.pValue };
  const detail = `ratio ${fmt(ratio)}, p = ${fmt(test.pValue)}`;
  if (high || low) {
    const classification = high ? "High" : "Low";
    const bad =
      input.direction === "either" ||
      (high ? input.direction === "increase" : input.direction === "decrease");
    if (bad)
      return {
        ...shared,
        classification,
        passed: false,
        reason: `canary is ${classification.toLowerCase()}er than baseline (${detail})`,
      };
    return {
      ...shared,
      classification: "Pass",
      passed: true,
      reason: `canary is ${classification.toLowerCase()}er, which direction ${input.direction} allows (${detail})`,
    };
  }
  const why = !significant
    ? `no significant difference (${detail}, needs p < ${fmt(alpha)})`
    : `difference within tolerance ±${fmt(input.tolerance * 100)}% (${detail})`;
  return { ...shared, classification: "Pass", passed: true, reason: why };
}

export function judge(metrics: readonly MetricInput[], scoring: Scoring = DEFAULT_SCORING): JudgeResult {
  const results = metrics.map((m) => classifyMetric(m, scoring.confidence));
  if (results.length === 0) return { result: "NoData", metrics: [], reason: "no canary metrics" };
  const criticalFailure = results.find((r) => r.critical && r.passed === false);
  if (criticalFailure) {
    return {
      result: "Fail",
      score: 0,
      metrics: results,
      reason: `critical metric ${criticalFailure.name} failed: ${criticalFailure.reason}`,
    };
  }
  const undecided = results.filter((r) => r.passed === undefined);
  if (undecided.length > 0) {
    return {
      result: "NoData",
      metrics: results,
      reason: undecided.map((r) => `${r.name}: ${r.reason}`).join("; "),
    };
  }
  const total = results.reduce((acc, r) => acc + r.weight, 0);
  const passing = results.reduce((acc, r) => acc + (r.passed ? r.weight : 0), 0);
  const score = total > 0 ? (100 * passing) / total : 0;
  const result: JudgeOutcome =
    score >= scoring.pass ? "Pass" : score >= scoring.marginal ? "Marginal" : "Fail";
  const failing = results.filter((r) => r.passed === false).map((r) => `${r.name}: ${r.reason}`);
  const thresholds = `pass ${scoring.pass}, marginal ${scoring.marginal}`;
  const reason = `score ${fmt(score)} (${thresholds})${failing.length ? `; ${failing.join("; ")}` : ""}`;
  return { result, score, metrics: results, reason };
}
