/** What handlers get from outside besides the event: injected so tests control time and fetch. */
export interface AppDeps {
  /** The clock. */
  now: () => Date;
  /** Used for requests that do not go to GitHub (Prometheus, notifications). */
  fetch: typeof fetch;
  /** Environment (secrets such as PROMETHEUS tokens are read by name from here). */
  env: Record<string, string | undefined>;
  /**
   * How long a replica that lost a transition's claim waits before checking the winner really dispatched
   * (and finishing the transition itself if the winner died). Default 5 s; tests shorten it.
   */
  claimSettleMs?: number;
}

export const defaultDeps = (): AppDeps => ({
  now: () => new Date(),
  fetch: globalThis.fetch,
  env: process.env,
});
