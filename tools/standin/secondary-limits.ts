// GitHub's secondary rate limits, as the stand-in enforces them when a test asks: at most N content-creating
// requests (POST, PATCH, PUT, DELETE) per caller in any window of W ms (GitHub's limit of 100 concurrent
// requests is not enforced: the stand-in answers each request at once). Over a limit, the answer is GitHub's: 403 with `retry-after` (seconds) and the secondary-limit message; the
// refused request changes nothing and is not counted.
import type { Reply } from "./core.js";

export interface SecondaryLimitOptions {
  /** Content-creating requests allowed per caller in any window (GitHub: 80 per 60 s and 500 per 3,600 s). */
  writes: { limit: number; windowMs: number }[];
}

export const GITHUB_SECONDARY_LIMITS: SecondaryLimitOptions = {
  writes: [
    { limit: 80, windowMs: 60_000 },
    { limit: 500, windowMs: 3_600_000 },
  ],
};

export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID STANDIN.";
const DOCS =
  "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits";

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

/** One stand-in's counters. `refused` lists every 403 it answered, for tests to assert on. */
export class SecondaryLimits {
  private readonly writes = new Map<string, number[]>();
  readonly refused: { caller: string; method: string; path: string; retryAfter: number; at: number }[] = [];
  /** Writes accepted per caller (what counted against the limits). */
  readonly accepted = new Map<string, number[]>();

  constructor(
    readonly options: SecondaryLimitOptions,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Answers GitHub's 403 when `caller` (who GitHub counts it against: the installation or token) is over a
   * limit; otherwise counts the request and returns undefined.
   */
  admit(caller: string, method: string, path: string): Reply | undefined {
    if (!WRITES.has(method)) return undefined;
    const now = this.clock();
    const windows = this.options.writes ?? [];
    const longest = Math.max(0, ...windows.map((w) => w.windowMs));
    const log = (this.writes.get(caller) ?? []).filter((t) => t > now - longest);
    let wait = 0;
    for (const { limit, windowMs } of windows) {
      const inWindow = log.filter((t) => t > now - windowMs);
      if (inWindow.length >= limit) {
        const leaving = inWindow[inWindow.length - limit] ?? now;
        wait = Math.max(wait, leaving + windowMs - now);
      }
    }
    this.writes.set(caller, log);
    if (wait > 0) return this.refuse(caller, method, path, Math.max(1, Math.ceil(wait / 1000)), now);
    log.push(now);
    this.accepted.set(caller, [...(this.accepted.get(caller) ?? []), now]);
    return undefined;
  }

  /** The most writes `caller` had accepted in any window of `windowMs` (to check a pacer kept under a limit). */
  peak(caller: string, windowMs: number): number {
    const times = this.accepted.get(caller) ?? [];
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  private refuse(caller: string, method: string, path: string, retryAfter: number, at: number): Reply {
    this.refused.push({ caller, method, path, retryAfter, at });
    return {
      status: 403,
      headers: { "retry-after": String(retryAfter) },
      body: { message: SECONDARY_LIMIT_MESSAGE, documentation_url: DOCS },
    };
  }
}
