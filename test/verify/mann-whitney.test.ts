import { describe, expect, it } from "vitest";
import { mannWhitneyU, midRanks, pWilcox, smallestExactPValue } from "../../src/verify/stats/mann-whitney.js";

/** Independent reference: P(W <= w) by enumerating every way to pick n1 of the ranks 1..n1+n2 (no ties). */
function enumeratedPWilcox(w: number, n1: number, n2: number): number {
  let below = 0;
  let total = 0;
  const pick = (start: number, left: number, sum: number) => {
    if (left === 0) {
      total++;
      if (sum - (n1 * (n1 + 1)) / 2 <= w) below++;
      return;
    }
    for (let r = start; r <= n1 + n2 - left + 1; r++) pick(r + 1, left - 1, sum + r);
  };
  pick(1, n1, 0);
  return below / total;
}

describe("mannWhitneyU matches R's wilcox.test(x, y)", () => {
  // R's ?wilcox.test example ("Two-sample test. Hollander & Wolfe (1973), 69f."): permeability constants.
  // wilcox.test(x, y) reports W = 35, p-value = 0.2544 (exact, two-sided; the documented
  // alternative = "greater" run gives p-value = 0.1272, half of it).
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  it("exact distribution without ties: W = 35, p = 0.2544", () => {
    const result = mannWhitneyU(x, y);
    expect(result).toMatchObject({ w: 35, method: "exact", ties: false });
    expect(result.pValue).toBeCloseTo(0.2544, 4);
  });

  it("normal approximation with continuity correction (exact = FALSE): p = 0.2446", () => {
    // By hand: mean n1 n2 / 2 = 25, sigma = sqrt(10 * 5 * 16 / 12) = 8.16497,
    // z = (35 - 25 - 0.5) / 8.16497 = 1.16351, p = 2 * (1 - pnorm(1.16351)) = 0.24462.
    const result = mannWhitneyU(x, y, { exact: false });
    expect(result.method).toBe("normal");
    expect(result.pValue).toBeCloseTo(0.24462, 4);
  });

  it("ties force the normal approximation with tie correction: mtcars mpg by transmission, W = 42, p = 0.001871", () => {
    // wilcox.test(mpg ~ am, data = mtcars): W = 42, p-value = 0.001871, with the warning
    // "cannot compute exact p-value with ties". am = 0 (automatic) is the first group.
    const automatic = [
      21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2,
      13.3, 19.2,
    ];
    const manual = [21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4];
    const result = mannWhitneyU(automatic, manual);
    expect(result).toMatchObject({ w: 42, method: "normal", ties: true });
    expect(result.pValue).toBeCloseTo(0.001871, 6);
  });

  it("complete separation of 3 and 4 values: W = 0, p = 2 / choose(7, 3) = 0.05714", () => {
    const result = mannWhitneyU([1, 2, 3], [4, 5, 6, 7]);
    expect(result.w).toBe(0);
    expect(result.pValue).toBeCloseTo(2 / 35, 10);
    expect(smallestExactPValue(3, 4)).toBeCloseTo(2 / 35, 10);
  });

  it("is symmetric: swapping the samples gives W' = n1 n2 - W and the same p-value", () => {
    const a = mannWhitneyU(x, y);
    const b = mannWhitneyU(y, x);
    expect(b.w).toBe(50 - a.w);
    expect(b.pValue).toBeCloseTo(a.pValue, 12);
  });

  it("the exact null distribution equals brute-force enumeration", () => {
    for (const [n1, n2] of [
      [1, 1],
      [2, 3],
      [4, 4],
      [5, 3],
      [6, 6],
    ] as const) {
      for (let w = 0; w <= n1 * n2; w++)
        expect(pWilcox(w, n1, n2)).toBeCloseTo(enumeratedPWilcox(w, n1, n2), 12);
    }
  });

  it("handles samples of 49 values (the largest exact case) without losing precision", () => {
    const a = Array.from({ length: 49 }, (_, i) => i * 2);
    const b = Array.from({ length: 49 }, (_, i) => i * 2 + 1);
    const result = mannWhitneyU(a, b);
    expect(result.method).toBe("exact");
    expect(result.pValue).toBeGreaterThan(0.8);
    expect(result.pValue).toBeLessThanOrEqual(1);
  });

  it("all values equal: no evidence of a difference", () => {
    expect(mannWhitneyU([1, 1, 1], [1, 1]).pValue).toBe(1);
  });

  it("mid-ranks ties as R's rank()", () => {
    expect(midRanks([10, 20, 20, 30]).ranks).toEqual([1, 2.5, 2.5, 4]);
    expect(midRanks([10, 20, 20, 30]).tieSizes).toEqual([1, 2, 1]);
  });

  it("refuses NaN and empty samples rather than guessing", () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one value/);
    expect(() => mannWhitneyU([Number.NaN], [1])).toThrow(/finite/);
  });
});
