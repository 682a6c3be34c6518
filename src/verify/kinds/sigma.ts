import type { Check } from "../../config/schema/checks.js";
import { mean, stddev } from "../stats/descriptive.js";
import type { Measurement, Series } from "../types.js";
import { combine, describeLabels, farthestFromZero, fmt, noData, type SeriesVerdict } from "./measure.js";

/** Fewer past samples than this give no usable standard deviation. */
export const MIN_HISTORY = 3;

/**
 * sigma alarm: the latest value of each series against the mean and sample standard deviation of the
 * earlier values in the window. Fails when it lies more than `sigma` deviations away in the bad
 * `direction` (increase by default). A flat history (deviation 0) makes any change in the bad direction fail.
 * The charted value is the distance in deviations (z).
 */
export function sigmaAlarm(
  check: Pick<Check, "sigma" | "direction">,
  series: readonly Series[],
): Measurement {
  const allowed = check.sigma ?? 3;
  const direction = check.direction ?? "increase";
  const live = series.filter((s) => s.points.length >= MIN_HISTORY + 1);
  if (live.length === 0)
    return noData(
      `fewer than ${MIN_HISTORY + 1} samples in the window: no past mean and deviation to compare with`,
    );
  const verdicts: SeriesVerdict[] = live.map((s) => {
    const sorted = [...s.points].sort((a, b) => a.t - b.t);
    const current = sorted[sorted.length - 1]!.v;
    const history = sorted.slice(0, -1).map((p) => p.v);
    const m = mean(history);
    const sd = stddev(history);
    const diff = current - m;
    const z = sd > 0 ? diff / sd : diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
    const label = describeLabels(s.labels);
    const context = `${fmt(current)} vs mean ${fmt(m)} ± ${fmt(sd)}: ${fmt(z)}σ`;
    const bad = (direction !== "decrease" && z > allowed) || (direction !== "increase" && z < -allowed);
    return bad
      ? { label, phase: "Failed", value: z, message: `${context}, beyond ${fmt(allowed)}σ` }
      : { label, phase: "Successful", value: z, message: context };
  });
  return combine(
    verdicts,
    (v) =>
      `${v.map((x) => `${x.label ? `${x.label} ` : ""}${x.message}`).join(", ")} (limit ${fmt(allowed)}σ, ${direction})`,
    farthestFromZero,
  );
}
