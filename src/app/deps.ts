/** What handlers get from outside besides the event: injected so tests control time and fetch. */
export interface AppDeps {
  /** The clock. */
  now: () => Date;
  /** Used for requests that do not go to GitHub (Prometheus, notifications). */
  fetch: typeof fetch;
  /** Environment (secrets such as PROMETHEUS tokens are read by name from here). */
  env: Record<string, string | undefined>;
  /**
   * After a dispatch GitHub answered ambiguously (5xx, timeout), the pauses between looks for the run before
   * dispatching again. Default 2 s, 4 s, 8 s; tests shorten them.
   */
  dispatchLookupsMs?: number[];
}

export const defaultDeps = (): AppDeps => ({
  now: () => new Date(),
  fetch: globalThis.fetch,
  env: process.env,
});

/** The waits applyDecision uses, from the deps. */
export function applyTiming(deps: AppDeps): {
  now(): Date;
  sleep(ms: number): Promise<void>;
  lookups: number[];
} {
  return {
    now: deps.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    lookups: deps.dispatchLookupsMs ?? [2_000, 4_000, 8_000],
  };
}
