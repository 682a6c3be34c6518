/**
 * End to end against the real Prometheus (Debian's package) scraping a small service whose error rate the
 * test controls: a healthy canary passes, a canary whose error rate jumps fails at the first round after
 * Prometheus has seen the jump, a canary worse than its baseline fails on the canary judge, and a stage
 * with no data stops as inconclusive for a human. Real clock, 1s scrapes, 2s interval, 6s bake.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Pipeline } from "../../src/config/types.js";
import { type Round, verifyStage } from "../../src/verify/index.js";
import { type MetricsService, startMetricsService } from "../support/metrics-service.js";
import { type PrometheusServer, startPrometheus } from "../support/prometheus.js";

let service: MetricsService;
let prometheus: PrometheusServer;

const BASELINE = "v1.0.0";

beforeAll(async () => {
  service = await startMetricsService({
    versions: { [BASELINE]: 0.01, "v1.1.0": 0.01, "v1.2.0": 0.01, "v1.3.0": 0.12 },
    seed: 7,
  });
  prometheus = await startPrometheus({ targets: [service.address] });
  // The canary check compares 6s of samples: wait until Prometheus holds that much history.
  for (;;) {
    const data = await prometheus.query(
      `count_over_time(http_requests_total{version="${BASELINE}",code="200"}[10s]) >= 8`,
    );
    if (data.result.length > 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await service?.close();
});

const errorRatio = (version: string, window: string) =>
  `sum(rate(http_requests_total{version="${version}",code="500"}[${window}])) / sum(rate(http_requests_total{version="${version}"}[${window}]))`;

function pipeline(verify: string[]): Pipeline {
  const yaml = `
targets: { eu-west: [web-1], us-east: [web-5] }
stages:
  - { name: canary, environment: production, percent: 10, every-region: true, bake: 6s, interval: 2s, verify: [${verify.join(", ")}] }
checks:
  smoke: { smoke: { url: "${service.url}/health?host={target}", expect: 200, contains: ok } }
  error-rate:
    prometheus: { url: "${prometheus.url}", query: '${errorRatio("{version}", "3s")}' }
    max: 0.05
  canary-vs-baseline:
    prometheus: { url: "${prometheus.url}", query: '${errorRatio("{version}", "3s")}' }
    baseline: { prometheus: { query: '${errorRatio(BASELINE, "3s")}' } }
    window: 6s
    step: 1s
    critical: true
`;
  const parsed = parseConfig(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config.pipelines[0]!;
}

async function verify(release: string, verifyChecks: string[], onRound?: (round: Round) => Promise<void>) {
  const p = pipeline(verifyChecks);
  return verifyStage({
    pipeline: p,
    stage: p.stages[0]!,
    release,
    targets: [
      { name: "web-1", region: "eu-west" },
      { name: "web-5", region: "us-east" },
    ],
    env: {},
    fetch,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...(onRound ? { onRound } : {}),
  });
}

describe("verifyStage against a real Prometheus", () => {
  it("passes a healthy canary after the whole bake time", async () => {
    const result = await verify("v1.1.0", ["smoke", "error-rate", "canary-vs-baseline"]);
    expect(result.reason).toContain("Verification passed");
    expect(result.outcome).toBe("passed");
    // 6s bake every 2s: rounds at +0, +2, +4 and +6s.
    expect(result.rounds).toHaveLength(4);
    for (const round of result.rounds) {
      expect(round.results.map((r) => [r.name, r.measurement.phase])).toEqual([
        ["smoke", "Successful"],
        ["error-rate", "Successful"],
        ["canary-score", "Successful"],
      ]);
    }
    const canary = result.rounds[3]!.results[2]!.canary!;
    expect(canary.score).toBe(100);
    expect(canary.metrics[0]!.canaryCount).toBeGreaterThanOrEqual(6);
    expect(result.summaryMarkdown).toContain("xychart-beta");
    expect(result.summaryMarkdown).toContain("| Round | At | smoke | error-rate | canary-score |");
  });

  it("fails at the first round after the error rate jumps, without waiting for the bake", async () => {
    let jumped = false;
    const result = await verify("v1.2.0", ["error-rate"], async (round) => {
      if (round.index === 1) {
        expect(round.results[0]!.measurement.phase).toBe("Successful");
        service.setErrorRatio("v1.2.0", 0.5);
        jumped = true;
        // Prometheus has seen the new error rate once the service has been scraped after the change.
        await service.waitForScrapes(2);
      }
    });
    expect(jumped).toBe(true);
    expect(result.outcome).toBe("failed");
    expect(result.rounds).toHaveLength(2);
    const measurement = result.rounds[1]!.results[0]!.measurement;
    expect(measurement.phase).toBe("Failed");
    expect(measurement.value).toBeGreaterThan(0.05);
    expect(result.reason).toMatch(
      /error-rate: 1 failed measurement \(failure-limit 0\); round 2: .* is above max 0\.05/,
    );
  });

  it("fails a canary whose error rate is well above the baseline's, on the canary judge", async () => {
    const result = await verify("v1.3.0", ["canary-vs-baseline"]);
    expect(result.outcome).toBe("failed");
    expect(result.rounds).toHaveLength(1);
    const canary = result.rounds[0]!.results[0]!.canary!;
    expect(canary.result).toBe("Fail");
    expect(canary.score).toBe(0);
    expect(canary.metrics[0]!.classification).toBe("High");
    expect(result.reason).toContain(
      "critical metric canary-vs-baseline failed: canary is higher than baseline",
    );
  });

  it("stops as inconclusive and asks a human when a release has no data", async () => {
    const result = await verify("v9.9.9", ["error-rate"]);
    expect(result.outcome).toBe("inconclusive");
    expect(result.rounds).toHaveLength(1);
    expect(result.rounds[0]!.results[0]!.measurement).toMatchObject({ phase: "Inconclusive", noData: true });
    expect(result.reason).toContain("no data (missing-data: inconclusive)");
    expect(result.reason).toContain("comment /promote to continue or /rollback to roll back");
  });
});
