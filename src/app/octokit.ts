import { ProbotOctokit } from "probot";
import {
  type BudgetStore,
  GITHUB_WRITE_BUDGET,
  isPriorityWrite,
  MemoryBudget,
  parseSpacing,
  parseWriteBudget,
  RedisBudget,
  type RedisLike,
  WritePacer,
  type WriteWindow,
} from "./write-budget.js";

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
   * Extra throttling options passed through to @octokit/plugin-throttling. Shipline paces writes itself
   * (below), so the plugin's own write limiter is replaced by a pass-through; tests that pass their own
   * `write` limiter also get no write spacing unless they set `writeSpacingMs`.
   */
  throttle?: Record<string, unknown>;
  /**
   * Content-creating requests (POST, PATCH, PUT, DELETE) allowed per installation in any window of that
   * length. Default: `SHIPLINE_WRITE_BUDGET` (e.g. `80/1m,500/1h`), else GitHub's 80 a minute and 500 an hour.
   */
  writeBudget?: readonly WriteWindow[];
  /** Least time between two writes of one installation. Default `SHIPLINE_WRITE_SPACING_MS`, else 1000 ms. */
  writeSpacingMs?: number;
  /** Retries of a write GitHub answered with a secondary limit, each after its `retry-after`. Default 10. */
  secondaryRateLimitRetries?: number;
  /** Where the budget is counted; default Redis when Probot has a REDIS_URL connection, else this process. */
  budgetStore?: BudgetStore;
}

/** Client errors that a retry cannot fix. 403 and 429 are rate limits: the throttling plugin owns those. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

interface LimitedRequest {
  method: string;
  url: string;
}
interface OctokitWithLog {
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);
/** Writes that are not content: the App's token exchange (authenticated as the App, not the installation). */
const isTokenRequest = (url: string) =>
  /^\/(app|applications)\//.test(url) || url === "/login/oauth/access_token";

/** What the pacing plugin reads from the options the defaults function built. */
interface Pacing {
  pacer: WritePacer;
  key: string;
  rateLimitUnitMs: number;
  maxWaitS: number;
  retries: number;
}

/** What a handler may ask of its installation's write budget (on a paced client: `writeBudgetOf`). */
export interface WriteBudgetView {
  /**
   * A handler that will make about `writes` writes soon: how many of this installation's writes are ahead of
   * them in this process, and about how long they would wait. `end` when the handler is done.
   */
  announce(writes: number): { ahead(): number; expectedWait(): Promise<number>; end(): void };
}

/** The write budget of a client built by `shiplineOctokit`, or undefined when its writes are not paced. */
export function writeBudgetOf(octokit: unknown): WriteBudgetView | undefined {
  return (octokit as { shiplineBudget?: WriteBudgetView } | undefined)?.shiplineBudget;
}

/** A 403/429 that is GitHub's secondary limit (not the primary one, whose remaining count is 0). */
export function secondaryRetryAfter(error: unknown): number | undefined {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, unknown> } };
  if (e?.status !== 403 && e?.status !== 429) return undefined;
  const headers = e.response?.headers ?? {};
  if (String(headers["x-ratelimit-remaining"]) === "0") return undefined;
  const retryAfter = Number(headers["retry-after"]);
  if (!/secondary rate/i.test(e.message ?? "") && !(retryAfter > 0)) return undefined;
  return retryAfter > 0 ? retryAfter : 60;
}

/** Stands in for the throttling plugin's write limiter: Shipline's pacer spaces writes instead. */
const PASS_THROUGH = {
  key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() }),
};

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
  const unitMs = tuning.rateLimitUnitMs ?? 1_000;
  const windows =
    tuning.writeBudget ??
    (process.env.SHIPLINE_WRITE_BUDGET !== undefined
      ? parseWriteBudget(process.env.SHIPLINE_WRITE_BUDGET)
      : GITHUB_WRITE_BUDGET);
  const spacingMs =
    tuning.writeSpacingMs ??
    (tuning.throttle?.write ? 0 : parseSpacing(process.env.SHIPLINE_WRITE_SPACING_MS));
  // One pacer per budget store: all clients of this process (and, through Redis, of the fleet) share it.
  const pacers = new WeakMap<object, WritePacer>();
  const processPacer = new WritePacer({
    windows,
    spacingMs,
    store: tuning.budgetStore ?? new MemoryBudget(),
  });
  const pacerFor = (connection: unknown): WritePacer => {
    const client = (connection as { client?: RedisLike } | undefined)?.client;
    if (tuning.budgetStore || !client || typeof client.eval !== "function") return processPacer;
    let pacer = pacers.get(client);
    if (!pacer) {
      pacer = new WritePacer({ windows, spacingMs, store: new RedisBudget(client) });
      pacers.set(client, pacer);
    }
    return pacer;
  };
  const paced = new WeakSet<object>();

  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: LimitedRequest, octokit: OctokitWithLog, retryCount: number): boolean => {
      const what = `${options.method} ${options.url}`;
      // A paced write's secondary limit is waited out by the pacer (below), which also holds the
      // installation's other writes back; the plugin must hand it over instead of retrying on its own.
      if (kind === "secondary" && WRITES.has(options.method.toUpperCase()) && paced.has(octokit))
        return false;
      if (retryCount >= rateLimitRetries || retryAfter > maxWait) {
        octokit.log.error(`${kind} rate limit on ${what}: giving up after ${retryCount} retries`);
        return false;
      }
      octokit.log.warn(`${kind} rate limit on ${what}: retry ${retryCount + 1} in ${retryAfter} s`);
      return true;
    };

  const appId = String(process.env.APP_ID ?? "app");
  return ProbotOctokit.defaults((options: Record<string, unknown>) => {
    const request = (options.request ?? {}) as { fetch?: typeof fetch };
    const throttle = (options.throttle ?? {}) as { connection?: unknown };
    const installationId = (options.auth as { installationId?: unknown } | undefined)?.installationId;
    const pacing: Pacing | undefined =
      installationId === undefined
        ? undefined
        : {
            pacer: pacerFor(throttle.connection),
            // GitHub's limits are per installation: one budget per installation, shared by the fleet.
            key: `${appId}:${String(installationId)}`,
            rateLimitUnitMs: unitMs,
            maxWaitS: maxWait,
            retries: tuning.secondaryRateLimitRetries ?? 10,
          };
    return {
      ...options,
      request: { ...request, fetch: withTimeout(request.fetch ?? globalThis.fetch, timeoutMs) },
      retry: { enabled: true, retries, retryAfterBaseValue: backoffMs, doNotRetry: DO_NOT_RETRY },
      throttle: {
        ...throttle,
        enabled: true,
        // Replicas sharing Redis share one request budget per App, not per process.
        id: `shipline-${appId}`,
        retryAfterBaseValue: unitMs,
        fallbackSecondaryRateRetryAfter: 60,
        onRateLimit: onLimit("primary"),
        onSecondaryRateLimit: onLimit("secondary"),
        write: PASS_THROUGH,
        ...tuning.throttle,
      },
      shiplinePacing: pacing,
    };
  }).plugin((octokit, options) => {
    const pacing = (options as { shiplinePacing?: Pacing }).shiplinePacing;
    if (!pacing?.pacer.enabled) return {};
    paced.add(octokit);
    const budget: WriteBudgetView = { announce: (writes) => pacing.pacer.announce(pacing.key, writes) };
    octokit.hook.wrap("request", async (request, endpoint) => {
      const method = String(endpoint.method ?? "GET").toUpperCase();
      const url = String(endpoint.url ?? "");
      if (!WRITES.has(method) || isTokenRequest(url)) return request(endpoint);
      for (let attempt = 0; ; attempt++) {
        const { waited, done } = await pacing.pacer.acquire(pacing.key, isPriorityWrite());
        if (waited >= 1_000)
          octokit.log.info(
            `write budget of installation ${pacing.key}: waited ${(waited / 1000).toFixed(1)} s before ${method} ${url}`,
          );
        try {
          const response = await request(endpoint);
          await done().catch(() => undefined);
          return response;
        } catch (error) {
          await done().catch(() => undefined);
          const retryAfter = secondaryRetryAfter(error);
          if (retryAfter === undefined) throw error;
          if (attempt >= pacing.retries || retryAfter > pacing.maxWaitS) {
            octokit.log.error(
              `secondary rate limit on ${method} ${url}: giving up after ${attempt} retries (retry-after ${retryAfter} s)`,
            );
            throw error;
          }
          octokit.log.warn(
            `secondary rate limit on ${method} ${url}: holding installation ${pacing.key}'s writes ${retryAfter} s, then retry ${attempt + 1}`,
          );
          await pacing.pacer.pause(pacing.key, retryAfter * pacing.rateLimitUnitMs);
        }
      }
    });
    return { shiplineBudget: budget };
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
