/**
 * Datadog metrics query API v1 (https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-points):
 * `GET https://api.<site>/api/v1/query?from=<s>&to=<s>&query=` with the `DD-API-KEY` and
 * `DD-APPLICATION-KEY` headers. Each series' `pointlist` holds [ms, value|null]; nulls are missing data.
 * `site` is a Datadog site such as datadoghq.eu, or a full http(s) URL for a proxy.
 */
import type { Fetched, Point, Series } from "../types.js";
import { getText, isRecord, jsonObject, type ProviderDeps, ProviderError, redact, secret } from "./http.js";

export interface DatadogTarget {
  query: string;
  site: string;
  apiKeySecret: string;
  appKeySecret: string;
}

export function datadogBase(site: string): string {
  if (/^https?:\/\//.test(site)) return site.replace(/\/+$/, "");
  return `https://api.${site}`;
}

export function parseDatadogResponse(status: number, body: string, where: string): Fetched {
  const parsed = jsonObject(status, body, where);
  if (!parsed.ok) return parsed;
  const { json } = parsed;
  if (status >= 400 || json.status === "error") {
    const errors = Array.isArray(json.errors)
      ? json.errors.join("; ")
      : typeof json.error === "string"
        ? json.error
        : "";
    return { ok: false, error: `${where}: HTTP ${status}${errors ? `: ${errors}` : ""}` };
  }
  if (!Array.isArray(json.series)) return { ok: false, error: `${where}: response has no series` };
  const series: Series[] = [];
  for (const item of json.series) {
    if (!isRecord(item) || !Array.isArray(item.pointlist)) continue;
    const points: Point[] = [];
    for (const pair of item.pointlist) {
      if (!Array.isArray(pair) || typeof pair[0] !== "number") continue;
      const v = pair[1];
      if (typeof v === "number" && !Number.isNaN(v)) points.push({ t: pair[0], v });
    }
    const scope = typeof item.scope === "string" ? item.scope : "";
    if (points.length) series.push({ labels: scope && scope !== "*" ? { scope } : {}, points });
  }
  return { ok: true, series };
}

/** Every point of the query between `start` and `end` (ms). */
export async function datadogRange(
  target: DatadogTarget,
  start: number,
  end: number,
  deps: ProviderDeps,
): Promise<Fetched> {
  const baseUrl = datadogBase(target.site);
  const where = `Datadog ${redact(baseUrl)}`;
  try {
    const headers = {
      accept: "application/json",
      "DD-API-KEY": secret(deps.env, target.apiKeySecret),
      "DD-APPLICATION-KEY": secret(deps.env, target.appKeySecret),
    };
    const params = new URLSearchParams({
      from: String(Math.floor(start / 1000)),
      to: String(Math.ceil(end / 1000)),
      query: target.query,
    });
    const response = await getText(deps, `${baseUrl}/api/v1/query?${params}`, headers);
    return parseDatadogResponse(response.status, response.body, where);
  } catch (error) {
    if (error instanceof ProviderError) return { ok: false, error: `${where}: ${error.message}` };
    throw error;
  }
}

/** The latest point of each series within the window ending at `end`. */
export async function datadogLatest(
  target: DatadogTarget,
  windowMs: number,
  end: number,
  deps: ProviderDeps,
): Promise<Fetched> {
  const fetched = await datadogRange(target, end - windowMs, end, deps);
  if (!fetched.ok) return fetched;
  return { ok: true, series: fetched.series.map((s) => ({ ...s, points: s.points.slice(-1) })) };
}
