/**
 * Prometheus HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/): instant queries
 * (`GET /api/v1/query?query=&time=`) and range queries (`GET /api/v1/query_range?query=&start=&end=&step=`).
 * Vector, matrix and scalar results become series; NaN samples are dropped and an empty result is an empty
 * list: missing data, which the caller treats explicitly.
 */
import type { Fetched, Point, Series } from "../types.js";
import { getText, isRecord, jsonObject, type ProviderDeps, ProviderError, redact, secret } from "./http.js";

export interface PrometheusTarget {
  url: string;
  query: string;
  /** Name of the environment variable holding a bearer token. */
  tokenSecret?: string;
}

/** Prometheus formats floats as Go does: "1.5", "NaN", "+Inf", "-Inf". */
function parseValue(text: string): number {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

function parseSample(pair: unknown, where: string): Point | undefined {
  if (!Array.isArray(pair) || pair.length !== 2)
    throw new ProviderError(`${where}: malformed sample ${JSON.stringify(pair)}`);
  const [t, v] = pair as [unknown, unknown];
  const value = typeof v === "string" ? parseValue(v) : Number.NaN;
  if (typeof t !== "number") throw new ProviderError(`${where}: malformed sample time ${JSON.stringify(t)}`);
  if (typeof v !== "string" || (Number.isNaN(value) && v !== "NaN"))
    throw new ProviderError(`${where}: malformed sample value ${JSON.stringify(v)}`);
  // "NaN" (e.g. 0/0 when a service had no traffic) is missing data, not a number to compare.
  return Number.isNaN(value) ? undefined : { t: Math.round(t * 1000), v: value };
}

function labelsOf(metric: unknown): Record<string, string> {
  if (!isRecord(metric)) return {};
  return Object.fromEntries(
    Object.entries(metric).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Parses a Prometheus API response body (any status: errors carry JSON too). */
export function parsePrometheusResponse(status: number, body: string, where: string): Fetched {
  const parsed = jsonObject(status, body, where);
  if (!parsed.ok) return parsed;
  const { json } = parsed;
  if (json.status !== "success") {
    const kind = typeof json.errorType === "string" ? json.errorType : "error";
    const message = typeof json.error === "string" ? json.error : "no error message";
    return { ok: false, error: `${where}: HTTP ${status} ${kind}: ${message}` };
  }
  const data = json.data;
  if (!isRecord(data) || typeof data.resultType !== "string")
    return { ok: false, error: `${where}: response has no data` };
  try {
    switch (data.resultType) {
      case "scalar": {
        const point = parseSample(data.result, where);
        return {
          ok: true,
          series: [{ labels: {}, points: point ? [point] : [] }].filter((s) => s.points.length),
        };
      }
      case "vector": {
        if (!Array.isArray(data.result)) return { ok: false, error: `${where}: vector result is not a list` };
        const series: Series[] = [];
        for (const item of data.result) {
          if (!isRecord(item)) continue;
          const point = parseSample(item.value, where);
          if (point) series.push({ labels: labelsOf(item.metric), points: [point] });
        }
        return { ok: true, series };
      }
      case "matrix": {
        if (!Array.isArray(data.result)) return { ok: false, error: `${where}: matrix result is not a list` };
        const series: Series[] = [];
        for (const item of data.result) {
          if (!isRecord(item) || !Array.isArray(item.values)) continue;
          const points = item.values
            .map((p) => parseSample(p, where))
            .filter((p): p is Point => p !== undefined);
          if (points.length) series.push({ labels: labelsOf(item.metric), points });
        }
        return { ok: true, series };
      }
      default:
        return { ok: false, error: `${where}: result type ${data.resultType} is not a number` };
    }
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function base(url: string): string {
  return url.replace(/\/+$/, "");
}

async function call(
  target: PrometheusTarget,
  path: string,
  params: Record<string, string>,
  deps: ProviderDeps,
): Promise<Fetched> {
  const where = `Prometheus ${redact(target.url)}`;
  try {
    const headers: Record<string, string> = { accept: "application/json" };
    if (target.tokenSecret) headers.authorization = `Bearer ${secret(deps.env, target.tokenSecret)}`;
    const url = `${base(target.url)}${path}?${new URLSearchParams({ query: target.query, ...params })}`;
    const response = await getText(deps, url, headers);
    return parsePrometheusResponse(response.status, response.body, where);
  } catch (error) {
    if (error instanceof ProviderError) return { ok: false, error: `${where}: ${error.message}` };
    throw error;
  }
}

/** The query's value at `at` (ms). */
export function prometheusInstant(
  target: PrometheusTarget,
  at: number,
  deps: ProviderDeps,
): Promise<Fetched> {
  return call(target, "/api/v1/query", { time: (at / 1000).toFixed(3) }, deps);
}

/** The query evaluated every `stepMs` from `start` to `end` (ms). */
export function prometheusRange(
  target: PrometheusTarget,
  start: number,
  end: number,
  stepMs: number,
  deps: ProviderDeps,
): Promise<Fetched> {
  return call(
    target,
    "/api/v1/query_range",
    { start: (start / 1000).toFixed(3), end: (end / 1000).toFixed(3), step: `${stepMs / 1000}` },
    deps,
  );
}
