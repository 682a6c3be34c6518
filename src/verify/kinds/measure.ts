import type { Check } from "../../config/schema/checks.js";
import type { Kind, Measurement, Phase, Series } from "../types.js";

/** The kind of a check: explicit, or inferred as the schema documents. */
export function kindOf(check: Check): Kind {
  if (check.kind) return check.kind;
  if (check.smoke) return "smoke";
  if (check.command) return "command";
  if (check.workflow) return "workflow";
  if (check.compare === "baseline" || check.baseline) return "canary";
  return "threshold";
}

/** A measurement that found no data; the check's `missing-data` policy turns it into a phase later. */
export function noData(message: string): Measurement {
  return { phase: "Inconclusive", message, noData: true };
}

export function fmt(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  return Number(n.toPrecision(4)).toString();
}

/** `{code="500", target="web-1"}`, or "" for a series without labels. */
export function describeLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels).filter(([k]) => k !== "__name__");
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${v}"`).join(", ")}}` : "";
}

/** Series that still have points after NaN samples were dropped. */
export function withData(series: readonly Series[]): Series[] {
  return series.filter((s) => s.points.length > 0);
}

const RANK: Record<Phase, number> = { Successful: 0, Inconclusive: 1, Error: 2, Failed: 3 };

/** Argo's ordering of phases: Failed is worse than Error, which is worse than Inconclusive. */
export function worse(a: Phase, b: Phase): Phase {
  return RANK[b] > RANK[a] ? b : a;
}

export interface SeriesVerdict {
  label: string;
  phase: Phase;
  value: number;
  message: string;
}

/**
 * Combines one verdict per series (or per target) into one measurement: the worst phase, and why.
 * `chart` picks the value charted for the round from the values of the verdicts that decided the phase.
 */
export function combine(
  verdicts: readonly SeriesVerdict[],
  okMessage: (v: readonly SeriesVerdict[]) => string,
  chart: (values: number[]) => number,
): Measurement {
  let phase: Phase = "Successful";
  for (const v of verdicts) phase = worse(phase, v.phase);
  const deciding = phase === "Successful" ? verdicts : verdicts.filter((v) => v.phase === phase);
  const values = deciding.map((v) => v.value).filter((v) => !Number.isNaN(v));
  const message =
    phase === "Successful"
      ? okMessage(verdicts)
      : deciding.map((v) => `${v.label ? `${v.label}: ` : ""}${v.message}`).join("; ");
  return values.length ? { phase, value: chart(values), message } : { phase, message };
}

export const largest = (values: number[]): number => Math.max(...values);
export const smallest = (values: number[]): number => Math.min(...values);
export const farthestFromZero = (values: number[]): number =>
  values.reduce((a, b) => (Math.abs(b) > Math.abs(a) ? b : a));
