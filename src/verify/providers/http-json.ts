/**
 * Any HTTP endpoint returning JSON: the number is picked by a dotted path (`data.errorRate`,
 * `results.0.value` or `results[0].value`). A missing or null value is missing data; a value that is not a
 * number (or a numeric string) is an error.
 */
import type { Fetched } from "../types.js";
import { getText, isRecord, type ProviderDeps, ProviderError, parseJson, redact, secret } from "./http.js";

export interface HttpJsonTarget {
  url: string;
  path: string;
  /**
   * Name of an environment variable holding request headers: a JSON object ({"Authorization": "Bearer x"})
   * or lines of "Name: value".
   */
  headersSecret?: string;
}

export function pathSegments(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s.length > 0);
}

/** The value at `path`, or undefined when any step is absent. */
export function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of pathSegments(path)) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isRecord(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

export function parseHeaders(text: string, name: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    const json = parseJson(trimmed, `secret ${name}`);
    if (!isRecord(json)) throw new ProviderError(`secret ${name} must be a JSON object of headers`);
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
  }
  const headers: Record<string, string> = {};
  for (const line of trimmed.split(/\r?\n/)) {
    const at = line.indexOf(":");
    if (at <= 0) throw new ProviderError(`secret ${name} must hold "Name: value" lines or a JSON object`);
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

export async function httpJsonValue(
  target: HttpJsonTarget,
  at: number,
  deps: ProviderDeps,
): Promise<Fetched> {
  const where = `HTTP ${redact(target.url)}`;
  try {
    const headers: Record<string, string> = { accept: "application/json" };
    if (target.headersSecret)
      Object.assign(headers, parseHeaders(secret(deps.env, target.headersSecret), target.headersSecret));
    const response = await getText(deps, target.url, headers);
    if (response.status < 200 || response.status >= 300)
      return { ok: false, error: `${where}: HTTP ${response.status}: ${response.body.slice(0, 200)}` };
    const value = pick(parseJson(response.body, where), target.path);
    if (value === undefined || value === null) return { ok: true, series: [] };
    const number =
      typeof value === "number"
        ? value
        : typeof value === "string" && value.trim() !== ""
          ? Number(value)
          : Number.NaN;
    if (Number.isNaN(number)) {
      if (value === "NaN") return { ok: true, series: [] };
      return {
        ok: false,
        error: `${where}: ${target.path} is ${JSON.stringify(value).slice(0, 100)}, not a number`,
      };
    }
    return { ok: true, series: [{ labels: {}, points: [{ t: at, v: number }] }] };
  } catch (error) {
    if (error instanceof ProviderError)
      return {
        ok: false,
        error: error.message.startsWith(where) ? error.message : `${where}: ${error.message}`,
      };
    throw error;
  }
}
