import type { Check } from "../../config/schema/checks.js";
import type { Measurement, Series } from "../types.js";
import {
  combine,
  describeLabels,
  fmt,
  largest,
  noData,
  type SeriesVerdict,
  smallest,
  withData,
} from "./measure.js";

/** threshold: every series' latest value must lie within [min, max]. */
export function threshold(check: Pick<Check, "min" | "max">, series: readonly Series[]): Measurement {
  const { min, max } = check;
  if (min === undefined && max === undefined)
    return { phase: "Error", message: "a threshold check needs `min`, `max` or both" };
  const live = withData(series);
  if (live.length === 0) return noData("the query returned no data");
  const verdicts: SeriesVerdict[] = live.map((s) => {
    const value = s.points[s.points.length - 1]!.v;
    const label = describeLabels(s.labels);
    if (max !== undefined && value > max)
      return { label, phase: "Failed", value, message: `${fmt(value)} is above max ${fmt(max)}` };
    if (min !== undefined && value < min)
      return { label, phase: "Failed", value, message: `${fmt(value)} is below min ${fmt(min)}` };
    return { label, phase: "Successful", value, message: fmt(value) };
  });
  const bounds = [min !== undefined ? `min ${fmt(min)}` : "", max !== undefined ? `max ${fmt(max)}` : ""]
    .filter(Boolean)
    .join(", ");
  return combine(
    verdicts,
    (v) => `${v.map((x) => `${x.label ? `${x.label} ` : ""}${x.message}`).join(", ")} within ${bounds}`,
    max !== undefined ? largest : smallest,
  );
}
