// Pure-CPU and scheduling figures: rollout fan-out, Mann-Whitney, the protection rule's gate decision.
import { parseConfig } from "../src/config/parse.js";
import { errorBudgetFigures } from "../src/gates/error-budget-query.js";
import { evaluateGates } from "../src/gates/evaluate.js";
import type { GateContext } from "../src/gates/types.js";
import type { TargetDriver } from "../src/rollout/drivers/types.js";
import { runWaves } from "../src/rollout/execute.js";
import type { Target } from "../src/rollout/plan.js";
import { mannWhitneyU } from "../src/verify/stats/mann-whitney.js";
import { median, row, type Section, sleep } from "./report.js";

/** 1,000 targets, concurrency 50, a driver taking 10 ms per target, against 20 x 10 ms. */
export async function fanOut(runs = 5): Promise<Section> {
  const targets: Target[] = Array.from({ length: 1000 }, (_, i) => ({
    name: `host-${i}`,
    region: `r${i % 4}`,
  }));
  const driver: TargetDriver<null> = {
    kind: "bench",
    perBatch: false,
    before: async () => null,
    deploy: async () => {
      await sleep(10);
      return { changed: true, detail: "" };
    },
    restore: async () => "",
  };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const report = await runWaves({
      waves: [{ index: 1, label: "all", targets }],
      driver,
      concurrency: 50,
      mode: "rollout",
      stage: "production",
      environment: "production",
      restoreOnFailure: true,
    });
    times.push(performance.now() - start);
    if (!report.ok || report.touched.length !== 1000)
      throw new Error("fan-out run did not deploy 1,000 targets");
  }
  // The ideal is 20 rounds of 10 ms; measure what 20 sequential sleep(10) take here too (timer granularity).
  const sleeps: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    for (let k = 0; k < 20; k++) await sleep(10);
    sleeps.push(performance.now() - start);
  }
  const value = median(times);
  return {
    title: "Rollout fan-out (1,000 targets, concurrency 50, 10 ms per target)",
    rows: [
      row({
        name: "runWaves, median of 5",
        value,
        unit: "ms",
        baseline: 200,
        baselineLabel: "ideal 20 x 10 ms",
        target: "<= 1.2x",
        met: value / 200 <= 1.2,
      }),
      row({
        name: "20 sequential sleep(10) on this machine",
        value: median(sleeps),
        unit: "ms",
        baseline: 200,
        baselineLabel: "ideal",
        note: "timer overhead alone",
      }),
    ],
    detail: { runsMs: times, sleepsMs: sleeps },
  };
}

/** A seeded PRNG so every run ranks the same samples. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function timeIt(iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(3, iterations); i++) fn(); // warm up
  const each: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    fn();
    each.push(performance.now() - start);
  }
  return median(each);
}

export function mannWhitney(): Section {
  const random = mulberry32(42);
  // Latency-like samples rounded to 0.1 ms, so there are ties (the tie-corrected normal path).
  const x = Array.from({ length: 10_000 }, () => Math.round(-Math.log(1 - random()) * 1000) / 10);
  const y = Array.from({ length: 10_000 }, () => Math.round(-Math.log(1 - random()) * 1050) / 10);
  let p = 0;
  const mw = timeIt(30, () => {
    p = mannWhitneyU(x, y).pValue;
  });
  const sort = timeIt(30, () => {
    [...x, ...y].sort((a, b) => a - b);
  });
  return {
    title: "Verification: Mann-Whitney U on 2 x 10,000 samples",
    rows: [
      row({
        name: "mannWhitneyU, median of 30",
        value: mw,
        unit: "ms",
        baseline: sort,
        baselineLabel: "sort of 20,000 numbers",
      }),
    ],
    detail: { pValue: p },
    notes: ["no target in the issue; the baseline is the sort every rank test needs"],
  };
}

const GATES_YAML = `
stages:
  - { name: staging }
  - { name: canary, environment: production, percent: 10, bake: 30m }
  - { name: production, waves: [25, 50, 100], bake: 10m, approvals: 1 }
targets:
  eu-west: [web-1, web-2]
gates:
  windows: { timezone: Europe/London, allow: ["Mon-Thu 09:00-16:00"] }
  freezes: [{ from: "2025-12-20", until: "2026-01-02", reason: "holiday freeze" }]
  required-checks: [load-test]
  error-budget:
    slo: 99.9
    prometheus: { url: "http://prometheus:9090", query: "errors_ratio[{window}]" }
`;

/** Every gate enabled and open: order, bake, four-eyes, window, freeze, lock, error budget, required checks. */
export function gateContext(): GateContext {
  const parsed = parseConfig(GATES_YAML);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const pipeline = parsed.config.pipelines[0];
  const stage = pipeline?.stages.find((s) => s.name === "production");
  const budget = pipeline?.gates["error-budget"];
  if (!pipeline || !stage || !budget) throw new Error("bench gate config did not resolve");
  const now = new Date("2025-01-14T10:00:00Z");
  return {
    pipeline,
    stage,
    mode: "rollout",
    release: { tag: "v1.2.0", author: "alice" },
    triggeredBy: "bob",
    stages: pipeline.stages
      .filter((s) => s.name !== "production")
      .map((s) => ({
        name: s.name,
        conclusion: "success",
        completedAt: new Date(now.getTime() - 86_400_000),
      })),
    approvals: [{ login: "dave", stage: "production", at: new Date("2025-01-14T09:00:00Z") }],
    environment: { requiredReviewers: 0, preventSelfReview: false },
    lock: { environment: "staging", owner: "carol", reason: "other environment" },
    errorBudget: errorBudgetFigures(budget, { "28d": 0.0001, "1h": 0, "5m": 0 }),
    requiredChecks: [{ name: "load-test", conclusion: "success" }],
    now,
  };
}

export function gates(): Section {
  const ctx = gateContext();
  const check = evaluateGates(ctx);
  const batch = 1000;
  let sink = 0;
  const perDecision =
    timeIt(50, () => {
      for (let i = 0; i < batch; i++) sink += evaluateGates(ctx).results.length;
    }) / batch;
  const empty = (c: GateContext) => c.mode.length;
  const perEmpty =
    timeIt(50, () => {
      for (let i = 0; i < batch; i++) sink += empty(ctx);
    }) / batch;
  if (sink === 0) throw new Error("unreachable");
  return {
    title: "Protection rule decision: evaluateGates with every gate enabled",
    rows: [
      row({
        name: "evaluateGates per decision",
        value: perDecision * 1000,
        unit: "us",
        baseline: perEmpty * 1000,
        baselineLabel: "empty function call",
      }),
    ],
    detail: {
      approved: check.approved,
      gates: check.results.map(
        (r) => `${r.gate}:${r.ok ? "open" : "closed"}${r.skipped ? " (skipped)" : ""}`,
      ),
    },
    notes: [
      "the pure decision only; the protection rule handler's GitHub reads are counted in the API cost section",
      "no target in the issue; the ratio to an empty call is large by construction, the absolute time is what matters",
    ],
  };
}
