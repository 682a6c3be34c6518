import { ProbotOctokit } from "probot";

/**
 * How hard the App tries before a GitHub call counts as failed. The defaults suit production; tests shrink the
 * waits (the same code paths run, only faster).
 */
export interface ReliabilityTuning {
  /** Retries after a 5xx, a network error or a timeout (octokit's retry plugin). Default 4. */
  retries?: number;
  /** Unit of the retry backoff: the n-th retry waits n² units. Default 1000 ms (1 s, 4 s, 9 s, 16 s). */
  backoffMs?: number;
  /** A request GitHub has not answered after this long is aborted and retried. Default 30 s. */
  timeoutMs?: number;
  /** Retries after a primary or secondary rate limit (403/429), each after GitHub's retry-after. Default 3. */
  rateLimitRetries?: number;
  /** Longest rate-limit wait the App sits through; a longer one fails the transition visibly. Default 15 min. */
  maxRateLimitWaitS?: number;
  /** What one second of `retry-after` / `x-ratelimit-reset` lasts. Default 1000 ms; tests use 1. */
  rateLimitUnitMs?: number;
  /**
   * Extra throttling options passed through to @octokit/plugin-throttling (tests replace its write limiter,
   * which spaces writes 1 s apart as GitHub asks).
   */
  throttle?: Record<string, unknown>;
}

/** Client errors that a retry cannot fix. 403 and 429 are rate limits: the throttling plugin owns those. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

interface LimitedRequest {
  method: string;
  url: string;
}
interface OctokitWithLog {
  log: { warn(message: string): void; error(message: string): void };
}

/**
 * Probot's Octokit with Shipline's retry and throttling policy. Uses the function form of `defaults`, which
 * sees the options Probot built (including the Redis `connection` Probot adds when REDIS_URL is set, so
 * replicas share one rate-limit budget) and keeps them, replacing only the policy callbacks.
 */
export function shiplineOctokit(tuning: ReliabilityTuning = {}): typeof ProbotOctokit {
  const retries = tuning.retries ?? 4;
  const backoffMs = tuning.backoffMs ?? 1_000;
  const timeoutMs = tuning.timeoutMs ?? 30_000;
  const rateLimitRetries = tuning.rateLimitRetries ?? 3;
  const maxWait = tuning.maxRateLimitWaitS ?? 15 * 60;

  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: LimitedRequest, octokit: OctokitWithLog, retryCount: number): boolean => {
      const what = `${options.method} ${options.url}`;
      if (retryCount >= rateLimitRetries || retryAfter > maxWait) {
        octokit.log.error(`${kind} rate limit on ${what}: giving up after ${retryCount} retries`);
        return false;
      }
      octokit.log.warn(`${kind} rate limit on ${what}: retry ${retryCount + 1} in ${retryAfter} s`);
      return true;
    };

  return ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const request = (options.request ?? {}) as { fetch?: typeof fetch };
    return {
      ...options,
      request: { ...request, fetch: withTimeout(request.fetch ?? globalThis.fetch, timeoutMs) },
      retry: { enabled: true, retries, retryAfterBaseValue: backoffMs, doNotRetry: DO_NOT_RETRY },
      throttle: {
        ...(options.throttle as object),
        enabled: true,
        // Replicas sharing Redis share one budget per App, not per process.
        id: `shipline-${String(process.env.APP_ID ?? "app")}`,
        retryAfterBaseValue: tuning.rateLimitUnitMs ?? 1_000,
        fallbackSecondaryRateRetryAfter: 60,
        onRateLimit: onLimit("primary"),
        onSecondaryRateLimit: onLimit("secondary"),
        ...tuning.throttle,
      },
    };
  }) as typeof ProbotOctokit;
}

/**
 * Aborts a request GitHub does not answer in time. The abort reaches octokit as a TimeoutError, which
 * @octokit/request turns into a retryable 500 (an AbortError would not be retried).
 */
export function withTimeout(base: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
}
