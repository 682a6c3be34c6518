import type { Measurement } from "../types.js";
import { combine, largest, type SeriesVerdict } from "./measure.js";

/** What one smoke request saw: a status and body, or an error (connection refused, timeout, ...). */
export interface SmokeResponse {
  /** Target name, or the URL when the check is not per target. */
  label: string;
  status?: number;
  body?: string;
  error?: string;
}

export interface SmokeExpectation {
  expect: number;
  contains?: string;
}

/**
 * smoke: every target must answer with the expected status, and the body must contain `contains` when set.
 * A target that cannot be reached fails the check: for a smoke test an unreachable host is the finding.
 * The charted value is the number of failing targets.
 */
export function smoke(expectation: SmokeExpectation, responses: readonly SmokeResponse[]): Measurement {
  if (responses.length === 0) return { phase: "Error", message: "no targets to smoke-test" };
  const verdicts: SeriesVerdict[] = responses.map((r) => {
    const label = r.label;
    if (r.error !== undefined)
      return { label, phase: "Failed", value: 1, message: `unreachable: ${r.error}` };
    if (r.status !== expectation.expect)
      return {
        label,
        phase: "Failed",
        value: 1,
        message: `HTTP ${r.status}, expected ${expectation.expect}`,
      };
    if (expectation.contains !== undefined && !(r.body ?? "").includes(expectation.contains))
      return { label, phase: "Failed", value: 1, message: `body does not contain "${expectation.contains}"` };
    return { label, phase: "Successful", value: 0, message: `HTTP ${r.status}` };
  });
  const measurement = combine(
    verdicts,
    (v) =>
      `${v.length} target${v.length === 1 ? "" : "s"} answered HTTP ${expectation.expect}${expectation.contains ? ` with "${expectation.contains}"` : ""}`,
    largest,
  );
  const failing = verdicts.filter((v) => v.phase !== "Successful").length;
  return { ...measurement, value: failing };
}
