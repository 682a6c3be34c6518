import type { Check } from "../../config/schema/checks.js";
import type { Measurement, Series } from "../types.js";
import { describeLabels, fmt, noData, withData } from "./measure.js";

/**
 * log-errors: the query counts error log lines over the window (e.g. `sum(increase(log_errors_total[{window}]))`
 * or a Datadog logs metric); the total over every series must not exceed `max` (default 0).
 */
export function logErrors(check: Pick<Check, "max" | "window">, series: readonly Series[]): Measurement {
  const live = withData(series);
  if (live.length === 0) return noData("the error count query returned no data");
  const max = check.max ?? 0;
  const parts = live.map((s) => ({
    label: describeLabels(s.labels),
    count: s.points[s.points.length - 1]!.v,
  }));
  const total = parts.reduce((acc, p) => acc + p.count, 0);
  const breakdown =
    parts.length > 1 ? ` (${parts.map((p) => `${p.label || "total"} ${fmt(p.count)}`).join(", ")})` : "";
  if (total > max)
    return {
      phase: "Failed",
      value: total,
      message: `${fmt(total)} errors in the last ${check.window}, more than ${fmt(max)}${breakdown}`,
    };
  return {
    phase: "Successful",
    value: total,
    message: `${fmt(total)} errors in the last ${check.window} (max ${fmt(max)})`,
  };
}
