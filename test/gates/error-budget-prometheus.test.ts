import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedStage } from "../../src/config/types.js";
import {
  errorBudgetFigures,
  errorBudgetQueries,
  instantQueryUrl,
  readQueryValue,
} from "../../src/gates/error-budget-query.js";
import { evaluateGates } from "../../src/gates/evaluate.js";
import type { ErrorBudgetFigures } from "../../src/gates/types.js";
import { type PrometheusServer, startPrometheus } from "../support/prometheus.js";
import { waitFor } from "../support/wait.js";
import { contextFor, pipelineFrom } from "./support/context.js";

// Two environments served by one tiny app: production answers 10% of requests with 500, staging none.
const counters = {
  production: { "200": 0, "500": 0 },
  staging: { "200": 0, "500": 0 },
};
function metrics(): string {
  // Every scrape sees more traffic, so rates over any window are positive.
  counters.production["200"] += 90;
  counters.production["500"] += 10;
  counters.staging["200"] += 100;
  const lines = ["# TYPE http_requests_total counter"];
  for (const [env, codes] of Object.entries(counters))
    for (const [code, n] of Object.entries(codes))
      lines.push(`http_requests_total{env="${env}",code="${code}"} ${n}`);
  return `${lines.join("\n")}\n`;
}

const yaml = `
stages:
  - { name: staging }
  - { name: production }
gates:
  error-budget:
    slo: 99.9
    window: 30s
    burn-rate: [{ long: 30s, short: 10s, factor: 14.4 }]
    prometheus:
      url: http://127.0.0.1:9090
      query: 'sum(rate(http_requests_total{env="{environment}",code="500"}[{window}])) / sum(rate(http_requests_total{env="{environment}"}[{window}]))'
`;
const pipeline = pipelineFrom(yaml);
const budget = pipeline.gates["error-budget"]!;

let app: Server;
let prometheus: PrometheusServer;

async function query(q: string) {
  const res = await fetch(instantQueryUrl(prometheus.url, q));
  return readQueryValue(await res.json());
}

/** What the lead's shell will do: run each query, then compute the figures. */
async function fetchFigures(stage: ResolvedStage): Promise<ErrorBudgetFigures> {
  const ratios: Record<string, number | undefined> = {};
  for (const q of errorBudgetQueries(budget, { stage: stage.name, environment: stage.environment })) {
    const v = await query(q.query);
    if (!v.ok) return errorBudgetFigures(budget, {}, v.error);
    ratios[q.window] = v.value;
  }
  return errorBudgetFigures(budget, ratios);
}

beforeAll(async () => {
  app = createServer((req, res) => {
    if (req.url === "/metrics")
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics());
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const address = app.address();
  if (!address || typeof address === "string") throw new Error("no address");
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${address.port}`] });
  // rate() needs two samples inside the shortest window.
  const [short] = errorBudgetQueries(budget, { environment: "production" }).slice(-1);
  await waitFor(
    async () => {
      const v = await query(short!.query);
      return v.ok && v.value !== undefined;
    },
    30_000,
    () => "Prometheus never returned a rate for the app",
  );
});

afterAll(async () => {
  await prometheus?.stop();
  await new Promise((resolve) => app?.close(resolve));
});

describe("error budget against a real Prometheus", () => {
  it("blocks a production deploy while the budget is spent, and lets a rollback through in the same state", async () => {
    const production = pipeline.stages.find((s) => s.name === "production")!;
    const figures = await fetchFigures(production);
    expect(figures.unavailable).toBeUndefined();
    expect(figures.errorRatio).toBeCloseTo(0.1, 2);
    expect(figures.spent).toBeGreaterThan(1);

    const now = new Date("2025-01-14T10:00:00Z");
    const ctx = contextFor(
      "production",
      { now, errorBudget: figures, approvals: [{ login: "dave", stage: "production", at: now }] },
      yaml,
    );
    const deploy = evaluateGates(ctx);
    expect(deploy.approved).toBe(false);
    const gate = deploy.results.find((r) => r.gate === "error-budget")!;
    expect(gate.ok).toBe(false);
    expect(gate.reason).toMatch(
      /the budget is spent; burning \d+\.\dx over 30s and \d+\.\dx over 10s \(limit 14\.4x\)/,
    );
    expect(gate.until!.getTime()).toBeGreaterThan(now.getTime());
    expect(deploy.comment).toContain("[error-budget] Deploys are blocked");

    const rollback = evaluateGates({ ...ctx, mode: "rollback" });
    expect(rollback.approved).toBe(true);
    expect(rollback.results.find((r) => r.gate === "error-budget")).toMatchObject({
      ok: true,
      skipped: true,
    });
  });

  it("opens for an environment whose budget is intact", async () => {
    const staging = pipeline.stages.find((s) => s.name === "staging")!;
    const figures = await fetchFigures(staging);
    expect(figures).toMatchObject({ errorRatio: 0, spent: 0 });
    const e = evaluateGates(contextFor("staging", { errorBudget: figures }, yaml));
    expect(e.approved).toBe(true);
  });

  it("fails closed when the query is wrong", async () => {
    const v = await query("sum(rate(http_requests_total[30s]) by (code)");
    expect(v).toMatchObject({ ok: false, error: expect.stringContaining("Prometheus:") });
  });
});
