import { z } from "zod";
import { parseDuration } from "../config/duration.js";
import type { Gates } from "../config/schema/gates.js";
import type { ErrorBudgetFigures } from "./types.js";

export type ErrorBudgetConfig = NonNullable<Gates["error-budget"]>;

export interface BudgetQuery {
  /** The duration substituted for {window}, e.g. "28d" or "5m". */
  window: string;
  query: string;
}

export interface QueryVars {
  stage?: string;
  environment?: string;
  version?: string;
}

/** Escapes a value for use inside a PromQL double-quoted label matcher. */
function promString(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Substitutes {window}, {stage}, {environment} and {version} in the configured query. */
export function substituteQuery(query: string, window: string, vars: QueryVars = {}): string {
  return query.replace(/\{(window|stage|environment|version)\}/g, (whole, key: string) => {
    if (key === "window") return window;
    const v = vars[key as keyof QueryVars];
    return v === undefined ? whole : promString(v);
  });
}

/** The SLO window first, then every distinct burn-rate window: one instant query each. */
export function errorBudgetQueries(budget: ErrorBudgetConfig, vars: QueryVars = {}): BudgetQuery[] {
  const windows = [budget.window, ...budget["burn-rate"].flatMap((p) => [p.long, p.short])];
  return [...new Set(windows)].map((window) => ({
    window,
    query: substituteQuery(budget.prometheus.query, window, vars),
  }));
}

/** GET URL of a Prometheus instant query (the shell adds the bearer token, if any). */
export function instantQueryUrl(baseUrl: string, query: string, at?: Date): string {
  const params = new URLSearchParams({ query });
  if (at) params.set("time", (at.getTime() / 1000).toFixed(3));
  return `${baseUrl.replace(/\/+$/, "")}/api/v1/query?${params.toString()}`;
}

const Sample = z.tuple([z.number(), z.string()]);
const Response = z.object({
  status: z.enum(["success", "error"]),
  error: z.string().optional(),
  data: z
    .union([
      z.object({ resultType: z.literal("vector"), result: z.array(z.object({ value: Sample })) }),
      z.object({ resultType: z.literal("scalar"), result: Sample }),
    ])
    .optional(),
});

export type QueryValue = { ok: true; value: number | undefined } | { ok: false; error: string };

/**
 * Reads the one number out of an instant-query answer. An empty vector or NaN (no traffic in the window) is
 * `undefined`; several series are an error (the query must aggregate, e.g. with sum()).
 */
export function readQueryValue(body: unknown): QueryValue {
  const parsed = Response.safeParse(body);
  if (!parsed.success) return { ok: false, error: "Prometheus answered with an unexpected body" };
  const r = parsed.data;
  if (r.status === "error" || !r.data)
    return { ok: false, error: `Prometheus: ${r.error ?? "query failed"}` };
  let raw: string | undefined;
  if (r.data.resultType === "scalar") raw = r.data.result[1];
  else if (r.data.result.length > 1)
    return {
      ok: false,
      error: `the query returned ${r.data.result.length} series; aggregate it, e.g. with sum()`,
    };
  else raw = r.data.result[0]?.value[1];
  if (raw === undefined) return { ok: true, value: undefined };
  const value = Number(raw);
  return { ok: true, value: Number.isFinite(value) ? value : undefined };
}

/**
 * Turns the error ratios per window into the figures the gate judges. The SLO window must have data (else the
 * figures are `unavailable` and the gate fails closed: a wrong query must not silently pass); a burn-rate window
 * without data had no traffic and counts as no errors.
 */
export function errorBudgetFigures(
  budget: ErrorBudgetConfig,
  ratios: Readonly<Record<string, number | undefined>>,
  unavailable?: string,
): ErrorBudgetFigures {
  const allowed = 1 - budget.slo / 100;
  const errorRatio = ratios[budget.window];
  const base = { slo: budget.slo, window: budget.window, budget: allowed };
  const missing =
    unavailable ??
    (errorRatio === undefined
      ? `the query returned no data over ${budget.window}; check gates.error-budget.prometheus.query`
      : undefined);
  const ratio = clampRatio(errorRatio ?? 0);
  return {
    ...base,
    errorRatio: ratio,
    spent: ratio / allowed,
    burn: budget["burn-rate"].map((p) => ({
      long: p.long,
      short: p.short,
      factor: p.factor,
      longRate: clampRatio(ratios[p.long] ?? 0) / allowed,
      shortRate: clampRatio(ratios[p.short] ?? 0) / allowed,
    })),
    ...(missing ? { unavailable: missing } : {}),
  };
}

function clampRatio(r: number): number {
  return Math.min(Math.max(r, 0), 1);
}

/** Milliseconds of a duration from the config; 0 when unreadable. */
export function durationMs(text: string): number {
  return parseDuration(text) ?? 0;
}
