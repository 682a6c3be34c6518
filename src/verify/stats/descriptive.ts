/** Descriptive statistics used by the verification kinds. Pure. */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 in the denominator), as R's `sd`. NaN for fewer than two values. */
export function stddev(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * First derivative of a series: the least-squares slope of value against time, in value units per minute.
 * Least squares rather than (last - first) so one noisy sample at either end does not decide the result.
 * NaN for fewer than two points or when every point has the same time.
 */
export function slopePerMinute(points: readonly { t: number; v: number }[]): number {
  if (points.length < 2) return Number.NaN;
  const tm = mean(points.map((p) => p.t));
  const vm = mean(points.map((p) => p.v));
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - tm) * (p.v - vm);
    den += (p.t - tm) ** 2;
  }
  if (den === 0) return Number.NaN;
  return (num / den) * 60_000;
}
