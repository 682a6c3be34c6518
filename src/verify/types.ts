/** Shared shapes of the verification core. No I/O here. */

/** Argo Rollouts' measurement phases. */
export type Phase = "Successful" | "Failed" | "Inconclusive" | "Error";

export type Kind =
  | "smoke"
  | "threshold"
  | "derivative"
  | "sigma"
  | "log-errors"
  | "canary"
  | "command"
  | "workflow";

/** What a JUnit XML report said: counts and the first failing test cases. */
export interface TestReport {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  /** Seconds, when the report says. */
  time?: number;
  /** The first failing or erroring cases (at most a few), with the start of their message. */
  firstFailures: { name: string; message: string }[];
  /** Set when the file was missing or could not be read as JUnit XML. */
  problem?: string;
}

/** One point of a time series; `t` in milliseconds since the epoch. */
export interface Point {
  t: number;
  v: number;
}

/** A labelled time series as a provider returns it (NaN samples already dropped: they are missing data). */
export interface Series {
  labels: Record<string, string>;
  points: Point[];
}

/** What a provider returns: series (possibly none, which is missing data) or an error a human can read. */
export type Fetched = { ok: true; series: Series[] } | { ok: false; error: string };

/** The result of one check in one round. */
export interface Measurement {
  phase: Phase;
  /** The number charted per round (the worst value when there are several series or targets). */
  value?: number;
  message: string;
  /** True when the phase comes from the `missing-data` policy rather than from a value. */
  noData?: boolean;
  /** command checks: what the JUnit XML report said. */
  tests?: TestReport;
  /** workflow checks: the run that was dispatched. */
  link?: { url: string; title: string };
}

export interface CheckResult {
  /** Check name (the key under `checks`), or `canary-score` for the stage's joint canary judgement. */
  name: string;
  kind: Kind;
  measurement: Measurement;
  /** For `canary-score`: the per-metric classifications behind the score. */
  canary?: import("./canary/judge.js").JudgeResult;
}

export interface Round {
  /** 1-based. */
  index: number;
  /** When the round started, ms since the epoch. */
  at: number;
  results: CheckResult[];
}

export type Outcome = "passed" | "failed" | "inconclusive" | "error";
