import { describe, expect, it } from "vitest";
import { errorBudgetGate } from "../../src/gates/error-budget.js";
import {
  errorBudgetFigures,
  errorBudgetQueries,
  instantQueryUrl,
  readQueryValue,
} from "../../src/gates/error-budget-query.js";
import { BASE_YAML, contextFor, pipelineFrom } from "./support/context.js";

const yaml = `${BASE_YAML}gates:
  error-budget:
    slo: 99.9
    window: 28d
    prometheus:
      url: http://prometheus:9090
      query: 'sum(rate(http_requests_total{code=~"5..",env="{environment}"}[{window}])) / sum(rate(http_requests_total{env="{environment}"}[{window}]))'
`;
const budget = pipelineFrom(yaml).gates["error-budget"]!;
const now = new Date("2025-01-14T10:00:00Z");

describe("error-budget queries", () => {
  it("builds one query per distinct window, substituting {window} and label values", () => {
    expect(errorBudgetQueries(budget, { environment: 'prod"uction' })).toEqual([
      {
        window: "28d",
        query:
          'sum(rate(http_requests_total{code=~"5..",env="prod\\"uction"}[28d])) / sum(rate(http_requests_total{env="prod\\"uction"}[28d]))',
      },
      { window: "1h", query: expect.stringContaining("[1h]") },
      { window: "5m", query: expect.stringContaining("[5m]") },
    ]);
    expect(instantQueryUrl("http://p:9090/", "up", new Date(1_000_500))).toBe(
      "http://p:9090/api/v1/query?query=up&time=1000.500",
    );
  });

  it("reads one number from a Prometheus answer and rejects everything else", () => {
    const vector = (...values: string[]) => ({
      status: "success",
      data: { resultType: "vector", result: values.map((v) => ({ metric: {}, value: [1, v] })) },
    });
    expect(readQueryValue(vector("0.25"))).toEqual({ ok: true, value: 0.25 });
    expect(readQueryValue(vector())).toEqual({ ok: true, value: undefined });
    expect(readQueryValue(vector("NaN"))).toEqual({ ok: true, value: undefined });
    expect(readQueryValue({ status: "success", data: { resultType: "scalar", result: [1, "0.5"] } })).toEqual(
      { ok: true, value: 0.5 },
    );
    expect(readQueryValue(vector("1", "2"))).toMatchObject({
      ok: false,
      error: expect.stringContaining("sum()"),
    });
    expect(readQueryValue({ status: "error", error: "parse error" })).toEqual({
      ok: false,
      error: "Prometheus: parse error",
    });
    expect(readQueryValue("<html>")).toMatchObject({ ok: false });
  });

  it("computes budget, spent fraction and burn rates", () => {
    const f = errorBudgetFigures(budget, { "28d": 0.0005, "1h": 0.02, "5m": 0.03 });
    expect(f.budget).toBeCloseTo(0.001);
    expect(f.spent).toBeCloseTo(0.5);
    expect(f.burn[0]!.longRate).toBeCloseTo(20);
    expect(f.burn[0]!.shortRate).toBeCloseTo(30);
    expect(f.unavailable).toBeUndefined();
    expect(errorBudgetFigures(budget, {}).unavailable).toContain("returned no data over 28d");
  });
});

describe("error-budget gate", () => {
  const ctx = (ratios: Record<string, number>, mode: "rollout" | "rollback" = "rollout") =>
    contextFor("production", { now, mode, errorBudget: errorBudgetFigures(budget, ratios) }, yaml);

  it("opens while budget remains and nothing burns fast", () => {
    const r = errorBudgetGate(ctx({ "28d": 0.0005, "1h": 0.001, "5m": 0.02 }));
    expect(r.ok).toBe(true);
    expect(r.reason).toBe(
      "SLO 99.9% over 28d: error ratio 0.050% of a 0.100% budget, 50.0% spent; burn rate 1.0x over 1h / 20.0x over 5m (limit 14.4x).",
    );
  });

  it("closes when the budget is spent, with the figures and an unblock estimate", () => {
    const r = errorBudgetGate(ctx({ "28d": 0.002, "1h": 0, "5m": 0 }));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("the budget is spent");
    expect(r.reason).toContain("200.0% spent");
    // Spent twice over: half the 28-day window must roll off.
    expect(r.until).toEqual(new Date(now.getTime() + 14 * 86_400_000));
    expect(r.next).toContain("in 14d");
  });

  it("closes when both windows of a burn-rate pair exceed the factor", () => {
    const r = errorBudgetGate(ctx({ "28d": 0.0001, "1h": 0.02, "5m": 0.03 }));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("burning 20.0x over 1h and 30.0x over 5m (limit 14.4x)");
    // The 5m window drops below 14.4x after 5m * (1 - 14.4/30).
    expect(r.until).toEqual(new Date(now.getTime() + 156_000));
  });

  it("fails closed when the figures are unavailable", () => {
    const r = errorBudgetGate(
      contextFor(
        "production",
        { now, errorBudget: errorBudgetFigures(budget, {}, "connection refused") },
        yaml,
      ),
    );
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("connection refused") });
  });

  it("never blocks a rollback", () => {
    const r = errorBudgetGate(ctx({ "28d": 0.5, "1h": 0.5, "5m": 0.5 }, "rollback"));
    expect(r).toMatchObject({ ok: true, skipped: true });
  });
});
