export interface RetryOptions {
  /** Attempts in all (default 3). */
  attempts?: number;
  /** First wait in ms; doubles after each failure (default 1000). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An error that retrying will not fix (a 4xx answer): `withRetry` gives up at once. */
export class PermanentError extends Error {}

/** Runs `attempt` until it resolves; waits backoff, 2×backoff, ... between tries; rethrows the last error. */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? sleepFor;
  let wait = options.backoffMs ?? 1_000;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= attempts || error instanceof PermanentError) throw error;
      await sleep(wait);
      wait *= 2;
    }
  }
}

/** Throws unless the answer is 2xx: 5xx, 408 and 429 are worth retrying, any other status is not. */
export async function expectOk(response: Response, what: string): Promise<Response> {
  if (response.ok) return response;
  const text = (await response.text().catch(() => "")).slice(0, 200);
  const message = `${what} answered HTTP ${response.status}${text ? `: ${text}` : ""}`;
  const transient = response.status >= 500 || response.status === 408 || response.status === 429;
  throw transient ? new Error(message) : new PermanentError(message);
}
