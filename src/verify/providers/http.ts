/** What every provider is handed: a fetch function, the environment holding secrets, and a timeout. */

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;
export type Env = Readonly<Record<string, string | undefined>>;

export interface ProviderDeps {
  fetch: FetchFn;
  env: Env;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

export class ProviderError extends Error {}

/** The value of a secret named in the config. The message names the variable, never a value. */
export function secret(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ProviderError(`secret ${name} is not set (add it to the workflow's env from secrets.${name})`);
  }
  return value;
}

/** A URL fit for messages: no user:password, no query string (which may carry keys). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

export interface TextResponse {
  status: number;
  body: string;
}

/** GET with a timeout; network failures become ProviderErrors that name the host but no secret. */
export async function getText(
  deps: ProviderDeps,
  url: string,
  headers: Record<string, string>,
): Promise<TextResponse> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProviderError(`not a valid URL: ${redact(url)}`);
  }
  if (parsed.username || parsed.password) {
    throw new ProviderError(
      `${redact(url)}: credentials in a URL are not allowed; name a secret instead (token-secret, headers-secret)`,
    );
  }
  try {
    const response = await deps.fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    const cause =
      error instanceof Error
        ? error.name === "TimeoutError"
          ? `timed out after ${timeoutMs} ms`
          : describe(error)
        : String(error);
    throw new ProviderError(`${redact(url)}: ${cause}`);
  }
}

function describe(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const code =
    cause && typeof cause === "object" && "code" in cause ? String((cause as { code: unknown }).code) : "";
  return code ? `${error.message} (${code})` : error.message;
}

/** Parses JSON, or explains what came back instead (first 200 characters). */
export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(`${where}: response is not JSON: ${text.slice(0, 200)}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A provider's JSON object answer (any status: errors carry JSON too), or the error a round reports: an HTTP
 * error status with the start of its body, or what came back instead of a JSON object.
 */
export function jsonObject(
  status: number,
  body: string,
  where: string,
): { ok: true; json: Record<string, unknown> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = parseJson(body, where);
  } catch (error) {
    return {
      ok: false,
      error: status >= 400 ? `${where}: HTTP ${status}: ${body.slice(0, 200)}` : (error as Error).message,
    };
  }
  if (!isRecord(json)) return { ok: false, error: `${where}: unexpected response` };
  return { ok: true, json };
}
