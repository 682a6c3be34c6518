import type { Check } from "../../config/schema/checks.js";
import { slopePerMinute } from "../stats/descriptive.js";
import type { Measurement, Series } from "../types.js";
import { combine, describeLabels, farthestFromZero, fmt, noData, type SeriesVerdict } from "./measure.js";

/**
 * derivative (first-derivative alarm): the least-squares rate of change of each series over the window,
 * per minute, must not exceed `max-rate` in the check's bad `direction` (increase by default).
 */
export function derivative(
  check: Pick<Check, "max-rate" | "direction">,
  series: readonly Series[],
): Measurement {
  const limit = check["max-rate"];
  if (limit === undefined)
    return { phase: "Error", message: "a derivative check needs `max-rate` (change per minute)" };
  const live = series.filter((s) => s.points.length >= 2);
  if (live.length === 0) return noData("fewer than two samples in the window: no rate of change");
  const direction = check.direction ?? "increase";
  const verdicts: SeriesVerdict[] = live.map((s) => {
    const slope = slopePerMinute(s.points);
    const label = describeLabels(s.labels);
    const tooFastUp = direction !== "decrease" && slope > limit;
    const tooFastDown = direction !== "increase" && slope < -limit;
    if (tooFastUp || tooFastDown)
      return {
        label,
        phase: "Failed",
        value: slope,
        message: `changing by ${fmt(slope)}/min, beyond ${tooFastUp ? "+" : "-"}${fmt(limit)}/min`,
      };
    return { label, phase: "Successful", value: slope, message: `${fmt(slope)}/min` };
  });
  return combine(
    verdicts,
    (v) =>
      `rate of change ${v.map((x) => `${x.label ? `${x.label} ` : ""}${x.message}`).join(", ")} (limit ${fmt(limit)}/min, ${direction})`,
    farthestFromZero,
  );
}
