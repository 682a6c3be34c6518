import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Pipeline } from "../../src/config/types.js";
import { type FetchFn, type VerifyStageInput, verifyStage } from "../../src/verify/index.js";

function pipeline(yaml: string): Pipeline {
  const parsed = parseConfig(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config.pipelines[0]!;
}

/** A fake clock: sleep advances now. */
function clock() {
  let t = 1_700_000_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

const vector = (v: string, labels: Record<string, string> = {}) =>
  JSON.stringify({
    status: "success",
    data: { resultType: "vector", result: [{ metric: labels, value: [1, v] }] },
  });
const matrix = (values: number[]) =>
  JSON.stringify({
    status: "success",
    data: { resultType: "matrix", result: [{ metric: {}, values: values.map((v, i) => [i, String(v)]) }] },
  });

/** A Prometheus stand-in behind the injected fetch: `answer` gets the query and the call number. */
function fakePrometheus(answer: (query: string, call: number, url: URL) => string | Error) {
  const calls: { url: URL; headers: Record<string, string> }[] = [];
  const fetchFn: FetchFn = async (input, init) => {
    const url = new URL(input);
    calls.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
    const body = answer(url.searchParams.get("query") ?? "", calls.length, url);
    if (body instanceof Error) throw body;
    return new Response(body, { status: 200 });
  };
  return { fetch: fetchFn, calls };
}

const CONFIG = (stage: string, checks: string) => `
targets: { eu-west: [web-1, web-2], us-east: [web-5] }
stages:
  - ${stage}
checks:
${checks}
`;

function input(
  p: Pipeline,
  over: Partial<VerifyStageInput> & Pick<VerifyStageInput, "fetch">,
): VerifyStageInput {
  const c = clock();
  return {
    pipeline: p,
    stage: p.stages[0]!,
    release: "v1.2.3",
    targets: [
      { name: "web-1", region: "eu-west" },
      { name: "web-5", region: "us-east" },
    ],
    env: {},
    now: c.now,
    sleep: c.sleep,
    ...over,
  };
}

describe("verifyStage", () => {
  const errorRate = `  error-rate: { prometheus: { url: "http://prom:9090", query: 'rate(errors{version="{version}"}[{window}])', token-secret: PROM_TOKEN }, max: 0.05, window: 2m }`;

  it("runs a round every interval for the bake time and passes, reading the token by name", async () => {
    const p = pipeline(CONFIG("{ name: canary, bake: 3m, interval: 1m, verify: [error-rate] }", errorRate));
    const prom = fakePrometheus(() => vector("0.01"));
    const c = clock();
    const progress: string[] = [];
    const result = await verifyStage(
      input(p, {
        fetch: prom.fetch,
        env: { PROM_TOKEN: "tok-xyz" },
        now: c.now,
        sleep: c.sleep,
        onRound: (round, { state, summaryMarkdown }) => {
          progress.push(`${round.index}:${state.outcome}`);
          expect(summaryMarkdown).toContain(`| ${round.index} | +${(round.index - 1) * 60}s |`);
        },
      }),
    );
    expect(result.outcome).toBe("passed");
    expect(progress).toEqual(["1:running", "2:running", "3:running", "4:passed"]);
    expect(c.sleeps).toEqual([60_000, 60_000, 60_000]);
    expect(prom.calls[0]!.url.searchParams.get("query")).toBe('rate(errors{version="v1.2.3"}[2m])');
    expect(prom.calls[0]!.headers.authorization).toBe("Bearer tok-xyz");
    expect(JSON.stringify(result)).not.toContain("tok-xyz");
  });

  it("runs once when the stage has no bake", async () => {
    const p = pipeline(CONFIG("{ name: staging, verify: [error-rate] }", errorRate));
    const result = await verifyStage(
      input(p, { fetch: fakePrometheus(() => vector("0.01")).fetch, env: { PROM_TOKEN: "t" } }),
    );
    expect(result.outcome).toBe("passed");
    expect(result.rounds).toHaveLength(1);
  });

  it("fails fast at the first round over the threshold", async () => {
    const p = pipeline(CONFIG("{ name: canary, bake: 30m, interval: 1m, verify: [error-rate] }", errorRate));
    const prom = fakePrometheus((_q, call) => vector(call < 3 ? "0.01" : "0.2"));
    const result = await verifyStage(input(p, { fetch: prom.fetch, env: { PROM_TOKEN: "t" } }));
    expect(result.outcome).toBe("failed");
    expect(result.rounds).toHaveLength(3);
    expect(result.reason).toBe(
      "Verification failed.\nerror-rate: 1 failed measurement (failure-limit 0); round 3: 0.2 is above max 0.05",
    );
  });

  it("ends in error after more than consecutive-error-limit failed queries, saying why", async () => {
    const p = pipeline(CONFIG("{ name: canary, bake: 30m, interval: 1m, verify: [error-rate] }", errorRate));
    const prom = fakePrometheus(() =>
      Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } }),
    );
    const result = await verifyStage(input(p, { fetch: prom.fetch, env: { PROM_TOKEN: "t" } }));
    expect(result.outcome).toBe("error");
    expect(result.rounds).toHaveLength(5);
    expect(result.reason).toContain("5 errors in a row (consecutive-error-limit 4)");
    expect(result.reason).toContain("fetch failed (ECONNREFUSED)");
  });

  it("stops as inconclusive on missing data, and fails on it when the check says so", async () => {
    const empty = JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } });
    const inconclusive = pipeline(CONFIG("{ name: canary, bake: 10m, verify: [error-rate] }", errorRate));
    const r1 = await verifyStage(
      input(inconclusive, { fetch: fakePrometheus(() => empty).fetch, env: { PROM_TOKEN: "t" } }),
    );
    expect(r1.outcome).toBe("inconclusive");
    expect(r1.reason).toContain("/promote");
    const strict = pipeline(
      CONFIG("{ name: canary, verify: [error-rate] }", `${errorRate.slice(0, -2)}, missing-data: fail }`),
    );
    const r2 = await verifyStage(
      input(strict, { fetch: fakePrometheus(() => empty).fetch, env: { PROM_TOKEN: "t" } }),
    );
    expect(r2.outcome).toBe("failed");
    expect(r2.reason).toContain("no data (missing-data: fail)");
  });

  it("evaluates a query that mentions {target} once per target and names the bad one", async () => {
    const perTarget = `  host-errors: { prometheus: { url: "http://prom:9090", query: 'errors{host="{target}",region="{region}"}' }, max: 5 }`;
    const p = pipeline(CONFIG("{ name: canary, verify: [host-errors] }", perTarget));
    const prom = fakePrometheus((q) => vector(q.includes("web-5") ? "9" : "1"));
    const result = await verifyStage(input(p, { fetch: prom.fetch }));
    expect(prom.calls.map((c) => c.url.searchParams.get("query")).sort()).toEqual([
      'errors{host="web-1",region="eu-west"}',
      'errors{host="web-5",region="us-east"}',
    ]);
    expect(result.outcome).toBe("failed");
    expect(result.rounds[0]!.results[0]!.measurement.message).toBe('{target="web-5"}: 9 is above max 5');
  });

  it("escapes a release tag inside a PromQL string", async () => {
    const p = pipeline(CONFIG("{ name: canary, verify: [error-rate] }", errorRate));
    const prom = fakePrometheus(() => vector("0"));
    await verifyStage(
      input(p, { fetch: prom.fetch, env: { PROM_TOKEN: "t" }, release: 'v1"} or vector(1) #' }),
    );
    expect(prom.calls[0]!.url.searchParams.get("query")).toBe(
      'rate(errors{version="v1\\"} or vector(1) #"}[2m])',
    );
  });

  it("judges the canary metrics together: a marginal score pauses for a human", async () => {
    const canaryChecks = `
  latency:
    prometheus: { url: "http://prom:9090", query: 'latency{version="{version}"}' }
    baseline: { prometheus: { query: 'latency{version="v1.2.2"}' } }
    weight: 3
    window: 10m
  cpu:
    prometheus: { url: "http://prom:9090", query: 'cpu{version="{version}"}' }
    baseline: { prometheus: { query: 'cpu{version="v1.2.2"}' } }
    window: 10m`;
    const p = pipeline(
      CONFIG("{ name: canary, bake: 30m, interval: 5m, verify: [latency, cpu] }", canaryChecks),
    );
    const base = [1, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98, 1.01, 1.03, 0.97];
    const prom = fakePrometheus((q, _call, url) => {
      expect(url.pathname).toBe("/api/v1/query_range");
      // 10m window / 30 = 20s step.
      expect(url.searchParams.get("step")).toBe("20");
      if (q.startsWith("cpu") && q.includes("v1.2.3")) return matrix(base.map((v) => v * 2));
      return matrix(base);
    });
    const result = await verifyStage(input(p, { fetch: prom.fetch }));
    expect(result.outcome).toBe("inconclusive");
    const score = result.rounds[0]!.results[0]!;
    expect(score.name).toBe("canary-score");
    expect(score.measurement).toMatchObject({ phase: "Inconclusive", value: 75 });
    expect(score.canary!.metrics.map((m) => [m.name, m.classification])).toEqual([
      ["latency", "Pass"],
      ["cpu", "High"],
    ]);
    expect(result.summaryMarkdown).toContain("#### Canary metrics (round 1)");
    // Exact p = 2 / choose(20, 10) = 1.083e-5.
    expect(result.summaryMarkdown).toContain(
      "| cpu | ❌ High | 2.002 (10) | 1.001 (10) | 2 | 0.00001083 | 1 |  |",
    );
  });

  it("smoke-tests every target and passes a stage without checks", async () => {
    const smoke = `  smoke: { smoke: { url: "http://{target}.internal/health", contains: ok } }`;
    const p = pipeline(CONFIG("{ name: canary, verify: [smoke] }", smoke));
    const requested: string[] = [];
    const fetchFn: FetchFn = async (url) => {
      requested.push(url);
      return new Response(url.includes("web-5") ? "starting" : "ok", {
        status: url.includes("web-5") ? 503 : 200,
      });
    };
    const result = await verifyStage(input(p, { fetch: fetchFn }));
    expect(requested.sort()).toEqual(["http://web-1.internal/health", "http://web-5.internal/health"]);
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain("web-5: HTTP 503, expected 200");

    const none = pipeline(CONFIG("{ name: canary }", smoke));
    const empty = await verifyStage(input(none, { fetch: fetchFn }));
    expect(empty).toMatchObject({ outcome: "passed", rounds: [] });
  });

  it("writes a table row per round and a chart per metric", async () => {
    const p = pipeline(CONFIG("{ name: canary, bake: 2m, interval: 1m, verify: [error-rate] }", errorRate));
    const values = ["0.01", "0.02", "0.015"];
    const prom = fakePrometheus((_q, call) => vector(values[call - 1]!, { code: "5|x" }));
    const result = await verifyStage(input(p, { fetch: prom.fetch, env: { PROM_TOKEN: "t" } }));
    expect(result.summaryMarkdown).toContain("**v1.2.3 in canary: ✅ passed**");
    expect(result.summaryMarkdown).toContain("| 2 | +60s | ✅ 0.02 |");
    expect(result.summaryMarkdown).toContain('{code="5\\|x"} 0.015 within max 0.05');
    expect(result.summaryMarkdown).toContain(
      [
        "xychart-beta",
        '  title "error-rate per round"',
        '  x-axis "round" [1, 2, 3]',
        '  y-axis "value"',
        "  line [0.01, 0.02, 0.015]",
      ].join("\n"),
    );
  });
});
