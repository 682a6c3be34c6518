/** What handlers get from outside besides the event: injected so tests control time and fetch. */
export interface AppDeps {
  /** The clock. */
  now: () => Date;
  /** Used for requests that do not go to GitHub (Prometheus, notifications). */
  fetch: typeof fetch;
  /** Environment (secrets such as PROMETHEUS tokens are read by name from here). */
  env: Record<string, string | undefined>;
}

export const defaultDeps = (): AppDeps => ({ now: () => new Date(), fetch: globalThis.fetch, env: process.env });
