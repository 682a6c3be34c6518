import { describe, expect, it } from "vitest";
import { Check } from "../../src/config/schema/checks.js";
import { applyMissingData } from "../../src/verify/analysis.js";
import { derivative } from "../../src/verify/kinds/derivative.js";
import { logErrors } from "../../src/verify/kinds/log-errors.js";
import { kindOf } from "../../src/verify/kinds/measure.js";
import { sigmaAlarm } from "../../src/verify/kinds/sigma.js";
import { smoke } from "../../src/verify/kinds/smoke.js";
import { threshold } from "../../src/verify/kinds/threshold.js";
import type { Series } from "../../src/verify/types.js";

const one = (v: number, labels: Record<string, string> = {}): Series => ({ labels, points: [{ t: 0, v }] });
const line = (values: number[], stepMs = 60_000): Series => ({
  labels: {},
  points: values.map((v, i) => ({ t: i * stepMs, v })),
});

describe("kindOf", () => {
  it("infers smoke, canary and threshold as the schema documents", () => {
    expect(kindOf(Check.parse({ smoke: { url: "http://x" } }))).toBe("smoke");
    expect(kindOf(Check.parse({ compare: "baseline" }))).toBe("canary");
    expect(kindOf(Check.parse({ max: 1 }))).toBe("threshold");
    expect(kindOf(Check.parse({ kind: "sigma" }))).toBe("sigma");
  });
});

describe("threshold", () => {
  it("passes values within bounds and fails the series out of bounds, naming it", () => {
    expect(threshold({ max: 0.01 }, [one(0.005)])).toEqual({
      phase: "Successful",
      value: 0.005,
      message: "0.005 within max 0.01",
    });
    const m = threshold({ max: 0.01 }, [
      one(0.005, { code: "500", instance: "a" }),
      one(0.02, { instance: "b" }),
    ]);
    expect(m).toEqual({ phase: "Failed", value: 0.02, message: '{instance="b"}: 0.02 is above max 0.01' });
    expect(threshold({ min: 10 }, [one(3)])).toMatchObject({ phase: "Failed", message: "3 is below min 10" });
  });

  it("reports empty results as no data and a check without bounds as an error", () => {
    expect(threshold({ max: 1 }, [])).toMatchObject({ phase: "Inconclusive", noData: true });
    expect(threshold({}, [one(1)])).toMatchObject({ phase: "Error" });
  });
});

describe("log-errors", () => {
  it("sums the error counts of every series against max (default 0)", () => {
    expect(logErrors({ window: "5m" }, [one(0)])).toMatchObject({ phase: "Successful", value: 0 });
    expect(logErrors({ window: "5m" }, [one(2, { app: "a" }), one(1, { app: "b" })])).toEqual({
      phase: "Failed",
      value: 3,
      message: '3 errors in the last 5m, more than 0 ({app="a"} 2, {app="b"} 1)',
    });
    expect(logErrors({ window: "5m", max: 5 }, [one(3)])).toMatchObject({ phase: "Successful" });
    expect(logErrors({ window: "5m" }, [])).toMatchObject({ noData: true });
  });
});

describe("derivative", () => {
  it("fails a series rising faster than max-rate per minute", () => {
    // +0.5 per minute, sampled every minute.
    expect(derivative({ "max-rate": 0.2, direction: "increase" }, [line([1, 1.5, 2, 2.5])])).toMatchObject({
      phase: "Failed",
      value: 0.5,
    });
    expect(derivative({ "max-rate": 1, direction: "increase" }, [line([1, 1.5, 2, 2.5])])).toMatchObject({
      phase: "Successful",
    });
  });

  it("applies the direction", () => {
    const falling = [line([3, 2, 1])];
    expect(derivative({ "max-rate": 0.5, direction: "increase" }, falling).phase).toBe("Successful");
    expect(derivative({ "max-rate": 0.5, direction: "decrease" }, falling)).toMatchObject({
      phase: "Failed",
      value: -1,
    });
    expect(derivative({ "max-rate": 0.5, direction: "either" }, falling).phase).toBe("Failed");
  });

  it("needs two samples and a max-rate", () => {
    expect(derivative({ "max-rate": 1, direction: "increase" }, [line([1])])).toMatchObject({ noData: true });
    expect(derivative({ direction: "increase" }, [line([1, 2])])).toMatchObject({ phase: "Error" });
  });
});

describe("sigma", () => {
  // History 10, 12, 10, 12: mean 11, sample sd 1.1547.
  it("fails a value more than sigma deviations above the past mean", () => {
    const m = sigmaAlarm({ sigma: 3, direction: "increase" }, [line([10, 12, 10, 12, 15])]);
    expect(m.phase).toBe("Failed");
    expect(m.value).toBeCloseTo(4 / 1.1547, 3);
    expect(m.message).toContain("15 vs mean 11 ± 1.155: 3.464σ, beyond 3σ");
    expect(sigmaAlarm({ sigma: 3, direction: "increase" }, [line([10, 12, 10, 12, 14])]).phase).toBe(
      "Successful",
    );
  });

  it("applies the direction and treats a flat history strictly", () => {
    expect(sigmaAlarm({ sigma: 3, direction: "increase" }, [line([10, 12, 10, 12, 5])]).phase).toBe(
      "Successful",
    );
    expect(sigmaAlarm({ sigma: 3, direction: "decrease" }, [line([10, 12, 10, 12, 5])]).phase).toBe("Failed");
    expect(sigmaAlarm({ sigma: 3, direction: "increase" }, [line([0, 0, 0, 0, 0.001])]).phase).toBe("Failed");
    expect(sigmaAlarm({ sigma: 3, direction: "increase" }, [line([0, 0, 0, 0, 0])]).phase).toBe("Successful");
  });

  it("needs a history to compare with", () => {
    expect(sigmaAlarm({ sigma: 3, direction: "increase" }, [line([1, 2, 3])])).toMatchObject({
      noData: true,
    });
  });
});

describe("smoke", () => {
  it("passes when every target answers the expected status and body", () => {
    expect(
      smoke({ expect: 200, contains: "ok" }, [
        { label: "web-1", status: 200, body: "ok" },
        { label: "web-2", status: 200, body: "all ok" },
      ]),
    ).toEqual({ phase: "Successful", value: 0, message: '2 targets answered HTTP 200 with "ok"' });
  });

  it("fails naming each failing target: wrong status, wrong body, unreachable", () => {
    const m = smoke({ expect: 200, contains: "ok" }, [
      { label: "web-1", status: 503, body: "down" },
      { label: "web-2", status: 200, body: "nope" },
      { label: "web-3", error: "connect ECONNREFUSED" },
      { label: "web-4", status: 200, body: "ok" },
    ]);
    expect(m).toEqual({
      phase: "Failed",
      value: 3,
      message:
        'web-1: HTTP 503, expected 200; web-2: body does not contain "ok"; web-3: unreachable: connect ECONNREFUSED',
    });
  });
});

describe("missing data is never a silent pass", () => {
  const empty = threshold({ max: 1 }, []);
  it("maps no data through the policy, and says so", () => {
    expect(applyMissingData(empty, "inconclusive")).toMatchObject({ phase: "Inconclusive" });
    expect(applyMissingData(empty, "fail")).toMatchObject({ phase: "Failed" });
    const passed = applyMissingData(empty, "pass");
    expect(passed.phase).toBe("Successful");
    expect(passed.noData).toBe(true);
    expect(passed.message).toMatch(/^no data, counted as a pass because missing-data is pass/);
  });
  it("leaves measurements with data alone", () => {
    const m = threshold({ max: 1 }, [one(2)]);
    expect(applyMissingData(m, "pass")).toBe(m);
  });
});
