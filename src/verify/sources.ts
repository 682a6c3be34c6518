/** Fetches a check's data from its provider, once or per target. I/O through the injected fetch only. */

import { parseDuration } from "../config/duration.js";
import type { Check } from "../config/schema/checks.js";
import { type DatadogTarget, datadogLatest, datadogRange } from "./providers/datadog.js";
import type { ProviderDeps } from "./providers/http.js";
import { httpJsonValue } from "./providers/http-json.js";
import { type PrometheusTarget, prometheusInstant, prometheusRange } from "./providers/prometheus.js";
import { fill, perTarget, type TemplateVars } from "./template.js";
import type { Fetched, Series } from "./types.js";

export interface Target {
  name: string;
  region: string;
}

export interface QueryContext {
  deps: ProviderDeps;
  vars: TemplateVars;
  targets: readonly Target[];
  /** The round's time, ms. */
  at: number;
}

export function windowMs(check: Check): number {
  return parseDuration(check.window ?? "5m") ?? 300_000;
}

export function stepMs(check: Check): number {
  const step = check.step ? parseDuration(check.step) : undefined;
  return step ?? Math.max(1000, Math.floor(windowMs(check) / 30));
}

type Source =
  | { provider: "prometheus"; target: PrometheusTarget }
  | { provider: "datadog"; target: DatadogTarget }
  | { provider: "http"; url: string; path: string; headersSecret?: string };

export function sourceOf(check: Check): Source | undefined {
  if (check.prometheus)
    return {
      provider: "prometheus",
      target: {
        url: check.prometheus.url,
        query: check.prometheus.query,
        tokenSecret: check.prometheus["token-secret"],
      },
    };
  if (check.datadog) return { provider: "datadog", target: datadogTarget(check, check.datadog.query) };
  if (check.http)
    return {
      provider: "http",
      url: check.http.url,
      path: check.http.path,
      headersSecret: check.http["headers-secret"],
    };
  return undefined;
}

function datadogTarget(check: Check, query: string): DatadogTarget {
  return {
    query,
    site: check.datadog?.site ?? "datadoghq.com",
    apiKeySecret: check.datadog?.["api-key-secret"] ?? "DD_API_KEY",
    appKeySecret: check.datadog?.["app-key-secret"] ?? "DD_APP_KEY",
  };
}

/** Where a canary check's baseline samples come from: its `baseline` block, over the check's own provider. */
export function baselineOf(check: Check): Source | undefined {
  const own = sourceOf(check);
  if (check.baseline?.prometheus && own?.provider === "prometheus")
    return {
      provider: "prometheus",
      target: {
        url: check.baseline.prometheus.url ?? own.target.url,
        query: check.baseline.prometheus.query ?? own.target.query,
        tokenSecret: check.baseline.prometheus["token-secret"] ?? own.target.tokenSecret,
      },
    };
  if (check.baseline?.prometheus?.url && check.baseline.prometheus.query)
    return {
      provider: "prometheus",
      target: {
        url: check.baseline.prometheus.url,
        query: check.baseline.prometheus.query,
        tokenSecret: check.baseline.prometheus["token-secret"],
      },
    };
  if (check.baseline?.datadog && check.datadog)
    return { provider: "datadog", target: datadogTarget(check, check.baseline.datadog.query) };
  return undefined;
}

function templateOf(source: Source): string {
  return source.provider === "http" ? source.url : source.target.query;
}

async function fetchOnce(
  source: Source,
  mode: "instant" | "range",
  check: Check,
  vars: TemplateVars,
  ctx: QueryContext,
): Promise<Fetched> {
  const win = windowMs(check);
  switch (source.provider) {
    case "prometheus": {
      const target = { ...source.target, query: fill(source.target.query, vars, "query") };
      return mode === "instant"
        ? prometheusInstant(target, ctx.at, ctx.deps)
        : prometheusRange(target, ctx.at - win, ctx.at, stepMs(check), ctx.deps);
    }
    case "datadog": {
      const target = { ...source.target, query: fill(source.target.query, vars, "query") };
      return mode === "instant"
        ? datadogLatest(target, win, ctx.at, ctx.deps)
        : datadogRange(target, ctx.at - win, ctx.at, ctx.deps);
    }
    case "http":
      if (mode === "range")
        return {
          ok: false,
          error: "an HTTP JSON source gives one value per round; use prometheus or datadog for a time series",
        };
      return httpJsonValue(
        {
          url: fill(source.url, vars, "url"),
          path: source.path,
          ...(source.headersSecret ? { headersSecret: source.headersSecret } : {}),
        },
        ctx.at,
        ctx.deps,
      );
  }
}

/**
 * The source's series: once, or once per target when its query or URL mentions {target} or {region}
 * (each series then carries a `target` label). Any failing request fails the whole fetch.
 */
export async function fetchSource(
  source: Source,
  mode: "instant" | "range",
  check: Check,
  ctx: QueryContext,
): Promise<Fetched> {
  if (!perTarget(templateOf(source))) return fetchOnce(source, mode, check, ctx.vars, ctx);
  if (ctx.targets.length === 0)
    return { ok: false, error: "the query mentions {target} but the stage has no targets" };
  const results = await Promise.all(
    ctx.targets.map(async (t) => ({
      target: t,
      fetched: await fetchOnce(source, mode, check, { ...ctx.vars, target: t.name, region: t.region }, ctx),
    })),
  );
  const series: Series[] = [];
  for (const { target, fetched } of results) {
    if (!fetched.ok) return { ok: false, error: `target ${target.name}: ${fetched.error}` };
    for (const s of fetched.series) series.push({ ...s, labels: { ...s.labels, target: target.name } });
  }
  return { ok: true, series };
}
