import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { datadogLatest, datadogRange } from "../../src/verify/providers/datadog.js";
import { httpJsonValue, pick } from "../../src/verify/providers/http-json.js";
import {
  parsePrometheusResponse,
  prometheusInstant,
  prometheusRange,
} from "../../src/verify/providers/prometheus.js";

// A loopback server answering canned bodies (shapes from the Prometheus HTTP API documentation).
let server: Server;
let base: string;
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let reply: { status: number; body: string } = { status: 200, body: "{}" };

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
});

const deps = (env: Record<string, string> = {}) => ({ fetch, env });

describe("Prometheus provider", () => {
  it("runs an instant query with a bearer token read from the named secret", async () => {
    reply = {
      status: 200,
      body: JSON.stringify({
        status: "success",
        data: {
          resultType: "vector",
          result: [
            { metric: { __name__: "up", job: "api", instance: "web-1:9100" }, value: [1435781451.781, "1"] },
            { metric: { job: "api", instance: "web-2:9100" }, value: [1435781451.781, "NaN"] },
          ],
        },
      }),
    };
    const fetched = await prometheusInstant(
      { url: `${base}/`, query: 'up{job="api"}', tokenSecret: "PROM_TOKEN" },
      1435781451781,
      deps({ PROM_TOKEN: "s3cret" }),
    );
    expect(fetched).toEqual({
      ok: true,
      series: [
        {
          labels: { __name__: "up", job: "api", instance: "web-1:9100" },
          points: [{ t: 1435781451781, v: 1 }],
        },
      ],
    });
    const url = new URL(seen[0]!.url, base);
    expect(url.pathname).toBe("/api/v1/query");
    expect(Object.fromEntries(url.searchParams)).toEqual({ query: 'up{job="api"}', time: "1435781451.781" });
    expect(seen[0]!.headers.authorization).toBe("Bearer s3cret");
  });

  it("runs a range query and drops NaN samples", async () => {
    reply = {
      status: 200,
      body: JSON.stringify({
        status: "success",
        data: {
          resultType: "matrix",
          result: [
            {
              metric: { job: "api" },
              values: [
                [1435781430.781, "1"],
                [1435781445.781, "NaN"],
                [1435781460.781, "+Inf"],
              ],
            },
          ],
        },
      }),
    };
    const fetched = await prometheusRange(
      { url: base, query: "rate(x[5m])" },
      1435781430781,
      1435781460781,
      15_000,
      deps(),
    );
    expect(fetched).toEqual({
      ok: true,
      series: [
        {
          labels: { job: "api" },
          points: [
            { t: 1435781430781, v: 1 },
            { t: 1435781460781, v: Infinity },
          ],
        },
      ],
    });
    const url = new URL(seen[0]!.url, base);
    expect(url.pathname).toBe("/api/v1/query_range");
    expect(url.searchParams.get("step")).toBe("15");
    expect(url.searchParams.get("start")).toBe("1435781430.781");
  });

  it("reads scalars, and empty results as no series", () => {
    expect(
      parsePrometheusResponse(
        200,
        '{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"0.5"]}}',
        "P",
      ),
    ).toEqual({ ok: true, series: [{ labels: {}, points: [{ t: 1435781451781, v: 0.5 }] }] });
    expect(
      parsePrometheusResponse(200, '{"status":"success","data":{"resultType":"vector","result":[]}}', "P"),
    ).toEqual({
      ok: true,
      series: [],
    });
    expect(
      parsePrometheusResponse(
        200,
        '{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}',
        "P",
      ),
    ).toEqual({
      ok: true,
      series: [],
    });
    expect(
      parsePrometheusResponse(
        200,
        '{"status":"success","data":{"resultType":"string","result":[1,"x"]}}',
        "P",
      ),
    ).toMatchObject({
      ok: false,
    });
  });

  it("reports the API's error and never the token", async () => {
    reply = {
      status: 400,
      body: '{"status":"error","errorType":"bad_data","error":"1:6: parse error: unexpected end of input"}',
    };
    const fetched = await prometheusInstant(
      { url: base, query: "sum(", tokenSecret: "T" },
      0,
      deps({ T: "tok-123" }),
    );
    expect(fetched).toEqual({
      ok: false,
      error: `Prometheus ${base}/: HTTP 400 bad_data: 1:6: parse error: unexpected end of input`,
    });
  });

  it("names a missing secret without calling Prometheus", async () => {
    const fetched = await prometheusInstant({ url: base, query: "up", tokenSecret: "PROM_TOKEN" }, 0, deps());
    expect(fetched).toMatchObject({
      ok: false,
      error: expect.stringContaining("secret PROM_TOKEN is not set"),
    });
    expect(seen).toHaveLength(0);
  });

  it("reports an unreachable server as an error", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const fetched = await prometheusInstant({ url: `http://127.0.0.1:${port}`, query: "up" }, 0, deps());
    expect(fetched).toMatchObject({ ok: false, error: expect.stringContaining("ECONNREFUSED") });
  });

  it("refuses credentials written into the URL, without repeating them", async () => {
    const fetched = await prometheusInstant(
      { url: `http://user:pw-123@127.0.0.1:1`, query: "up" },
      0,
      deps(),
    );
    expect(fetched).toMatchObject({
      ok: false,
      error: expect.stringContaining("credentials in a URL are not allowed"),
    });
    if (!fetched.ok) expect(fetched.error).not.toContain("pw-123");
  });
});

describe("HTTP JSON provider", () => {
  it("picks the value by a dotted path, with headers from a secret", async () => {
    reply = { status: 200, body: JSON.stringify({ data: { services: [{ errorRate: "0.02" }] } }) };
    const fetched = await httpJsonValue(
      { url: `${base}/stats`, path: "data.services[0].errorRate", headersSecret: "STATS_HEADERS" },
      1000,
      deps({ STATS_HEADERS: '{"X-Api-Key": "k"}' }),
    );
    expect(fetched).toEqual({ ok: true, series: [{ labels: {}, points: [{ t: 1000, v: 0.02 }] }] });
    expect(seen[0]!.headers["x-api-key"]).toBe("k");
  });

  it("treats null or absent values as no data and text as an error", async () => {
    reply = { status: 200, body: '{"data": {"errorRate": null, "name": "api"}}' };
    expect(await httpJsonValue({ url: base, path: "data.errorRate" }, 0, deps())).toEqual({
      ok: true,
      series: [],
    });
    expect(await httpJsonValue({ url: base, path: "data.missing" }, 0, deps())).toEqual({
      ok: true,
      series: [],
    });
    expect(await httpJsonValue({ url: base, path: "data.name" }, 0, deps())).toMatchObject({
      ok: false,
      error: expect.stringContaining('data.name is "api", not a number'),
    });
    reply = { status: 500, body: "oops" };
    expect(await httpJsonValue({ url: base, path: "x" }, 0, deps())).toMatchObject({
      ok: false,
      error: expect.stringContaining("HTTP 500"),
    });
  });

  it("pick walks objects and arrays", () => {
    expect(pick({ a: [{ b: 1 }] }, "a.0.b")).toBe(1);
    expect(pick({ a: 1 }, "a.b")).toBeUndefined();
  });
});

describe("Datadog provider", () => {
  const target = {
    query: "avg:trace.http.request.errors{service:api}",
    site: "datadoghq.eu",
    apiKeySecret: "DD_API_KEY",
    appKeySecret: "DD_APP_KEY",
  };
  const env = { DD_API_KEY: "api-key", DD_APP_KEY: "app-key" };

  it("queries the site's API with both keys and keeps non-null points", async () => {
    const scope = nock("https://api.datadoghq.eu", {
      reqheaders: { "dd-api-key": "api-key", "dd-application-key": "app-key" },
    })
      .get("/api/v1/query")
      .query({ from: "1700000000", to: "1700000300", query: target.query })
      .reply(200, {
        status: "ok",
        res_type: "time_series",
        series: [
          {
            metric: "trace.http.request.errors",
            scope: "service:api",
            pointlist: [
              [1700000000000, 1.5],
              [1700000060000, null],
              [1700000120000, 2.5],
            ],
          },
        ],
      });
    const fetched = await datadogRange(target, 1700000000000, 1700000300000, deps(env));
    expect(fetched).toEqual({
      ok: true,
      series: [
        {
          labels: { scope: "service:api" },
          points: [
            { t: 1700000000000, v: 1.5 },
            { t: 1700000120000, v: 2.5 },
          ],
        },
      ],
    });
    expect(scope.isDone()).toBe(true);
  });

  it("gives the latest point for instant kinds, and reports API errors", async () => {
    nock("https://api.datadoghq.eu")
      .get("/api/v1/query")
      .query(true)
      .reply(200, {
        status: "ok",
        series: [
          {
            scope: "*",
            pointlist: [
              [1, 1],
              [2, 7],
            ],
          },
        ],
      });
    expect(await datadogLatest(target, 60_000, 1700000300000, deps(env))).toEqual({
      ok: true,
      series: [{ labels: {}, points: [{ t: 2, v: 7 }] }],
    });
    nock("https://api.datadoghq.eu")
      .get("/api/v1/query")
      .query(true)
      .reply(403, { errors: ["Forbidden"] });
    expect(await datadogRange(target, 0, 1, deps(env))).toEqual({
      ok: false,
      error: "Datadog https://api.datadoghq.eu/: HTTP 403: Forbidden",
    });
  });

  it("needs both keys", async () => {
    expect(await datadogRange(target, 0, 1, deps({ DD_API_KEY: "x" }))).toMatchObject({
      ok: false,
      error: expect.stringContaining("secret DD_APP_KEY is not set"),
    });
  });
});
