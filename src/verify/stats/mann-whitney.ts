/**
 * The two-sample Wilcoxon rank-sum test, also called the Mann-Whitney U test, two-sided.
 *
 * It follows R's `wilcox.test(x, y, exact = NULL, correct = TRUE)` (R Core Team, stats package,
 * src/library/stats/R/wilcox.test.R), so its results can be checked against R's:
 *
 * - The statistic is R's W: the rank sum of `x` minus n(x)(n(x) + 1) / 2, i.e. the number of pairs (x_i, y_j)
 *   with x_i > y_j, ties counting one half (Mann & Whitney 1947, "On a test of whether one of two random
 *   variables is stochastically larger than the other", Ann. Math. Statist. 18(1)). Ties get mid-ranks.
 * - Exact p-value when both samples have fewer than 50 values and there are no ties (R's default rule):
 *   the null distribution of W is counted exactly (Gaussian binomial coefficients, the same counts R's
 *   `pwilcox` uses), and p = min(1, 2 * P(W <= w)) or min(1, 2 * P(W >= w)) on the side w falls.
 * - Otherwise the normal approximation with tie correction of the variance
 *   sigma^2 = n1 n2 / 12 * ((n1 + n2 + 1) - sum(t^3 - t) / ((n1 + n2)(n1 + n2 - 1)))
 *   and a continuity correction of 0.5 towards the mean (R's `correct = TRUE`).
 *
 * Pass `exact: false` to force the normal approximation (R's `exact = FALSE`), `exact: true` to ask for the
 * exact distribution (ignored, as in R, when there are ties).
 */
import { pnorm } from "./normal.js";

export interface MannWhitneyResult {
  /** R's W statistic for x (the U statistic of x). */
  w: number;
  /** Two-sided p-value. */
  pValue: number;
  method: "exact" | "normal";
  n1: number;
  n2: number;
  ties: boolean;
}

export interface MannWhitneyOptions {
  exact?: boolean;
  correct?: boolean;
}

/** Mid-ranks (1-based) of `values`, as R's `rank(ties.method = "average")`, and the sizes of the tie groups. */
export function midRanks(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    const rank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = rank;
    tieSizes.push(end - start + 1);
    start = end + 1;
  }
  return { ranks, tieSizes };
}

export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new Error("mannWhitneyU needs at least one value in each sample");
  if ([...x, ...y].some((v) => !Number.isFinite(v)))
    throw new Error("mannWhitneyU needs finite values (drop NaN first)");
  const { ranks, tieSizes } = midRanks([...x, ...y]);
  let rankSumX = 0;
  for (let i = 0; i < n1; i++) rankSumX += ranks[i]!;
  const w = rankSumX - (n1 * (n1 + 1)) / 2;
  const ties = tieSizes.some((t) => t > 1);
  const exact = (options.exact ?? (n1 < 50 && n2 < 50)) && !ties;
  if (exact) {
    const lower = w > (n1 * n2) / 2 ? 1 - pWilcox(w - 1, n1, n2) : pWilcox(w, n1, n2);
    return { w, pValue: Math.min(1, 2 * lower), method: "exact", n1, n2, ties };
  }
  const tieTerm = tieSizes.reduce((acc, t) => acc + (t ** 3 - t), 0);
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { w, pValue: 1, method: "normal", n1, n2, ties };
  const diff = w - (n1 * n2) / 2;
  const correction = options.correct === false ? 0 : Math.sign(diff) * 0.5;
  const z = (diff - correction) / sigma;
  const pValue = Math.min(1, 2 * Math.min(pnorm(z), 1 - pnorm(z)));
  return { w, pValue, method: "normal", n1, n2, ties };
}

/** Frequencies of W = 0..m*n under the null hypothesis: coefficients of the Gaussian binomial [m+n, m]_q. */
function wilcoxCounts(m: number, n: number): bigint[] {
  const top = m * n;
  const c = new Array<bigint>(top + 1).fill(0n);
  c[0] = 1n;
  // prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), computed as truncated power series (exact: the result has degree m*n).
  for (let i = 1; i <= m; i++) {
    for (let k = top; k >= n + i; k--) c[k] = c[k]! - c[k - n - i]!;
    for (let k = i; k <= top; k++) c[k] = c[k]! + c[k - i]!;
  }
  return c;
}

const countsCache = new Map<string, { cumulative: bigint[]; total: bigint }>();

/** P(W <= q) for sample sizes m and n without ties (R's `pwilcox(q, m, n)`). */
export function pWilcox(q: number, m: number, n: number): number {
  if (q < 0) return 0;
  if (q >= m * n) return 1;
  const key = `${m},${n}`;
  let entry = countsCache.get(key);
  if (!entry) {
    const counts = wilcoxCounts(m, n);
    const cumulative: bigint[] = [];
    let running = 0n;
    for (const c of counts) {
      running += c;
      cumulative.push(running);
    }
    entry = { cumulative, total: running };
    if (countsCache.size > 64) countsCache.clear();
    countsCache.set(key, entry);
  }
  return Number(entry.cumulative[Math.floor(q)]!) / Number(entry.total);
}

/** The smallest two-sided p-value the exact test can give for these sample sizes: 2 / choose(n1 + n2, n1). */
export function smallestExactPValue(n1: number, n2: number): number {
  let choose = 1;
  for (let i = 1; i <= n1; i++) choose = (choose * (n2 + i)) / i;
  return Math.min(1, 2 / choose);
}
