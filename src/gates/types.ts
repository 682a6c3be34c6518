import type { Pipeline, ResolvedStage } from "../config/types.js";
import type { CheckConclusion, Mode } from "../config/vocabulary.js";

/** The gates Shipline enforces before a stage's deploy job may start. */
export type GateName =
  | "order"
  | "bake"
  | "four-eyes"
  | "window"
  | "freeze"
  | "lock"
  | "error-budget"
  | "required-checks"
  | "overlap"
  | "prerelease";

export interface GateResult {
  gate: GateName;
  ok: boolean;
  /** One or two sentences a user understands without reading the config. */
  reason: string;
  /** What to do next when the gate is closed (or worth knowing when it is open). */
  next?: string;
  /** When the gate may open by itself (a window, a bake, a lock's expiry, an error-budget estimate). */
  until?: Date;
  /** The gate does not apply to this request (a rollback, a hotfix); it is shown, not counted. */
  skipped?: boolean;
}

/** Conclusions as GitHub reports them for check runs, plus the states of a run that has not finished. */
export type Conclusion = CheckConclusion | "stale" | "startup_failure" | "in_progress" | "queued" | "pending";

/** An earlier stage's state for the release being deployed. */
export interface StageState {
  name: string;
  conclusion: Conclusion;
  completedAt?: Date;
  /** When its bake on the App's clock started (the `baking` record on its check run): it went live then. */
  bakingSince?: Date;
}

/** One person's review of the deploy job in GitHub's UI (GET /actions/runs/{run_id}/approvals), one per environment. */
export interface RunApprovalFact {
  login: string;
  /** The environment the review was for. */
  environment: string;
  /** "approved" or "rejected" as GitHub reports it. */
  state: string;
}

export interface ApprovalFact {
  login: string;
  at: Date;
  stage: string;
}

/** What GitHub says about the environment's protection (undefined: unavailable, e.g. a private repo without Enterprise). */
export interface EnvironmentProtection {
  requiredReviewers: number;
  preventSelfReview: boolean;
}

export interface LockFact {
  environment: string;
  owner: string;
  reason: string;
  expiresAt?: Date;
}

/** One multi-window burn-rate pair, evaluated: burn rate = error ratio over the window / error budget. */
export interface BurnRateFigure {
  long: string;
  short: string;
  factor: number;
  longRate: number;
  shortRate: number;
}

/** Error-budget numbers, already fetched and computed (see error-budget-query.ts). */
export interface ErrorBudgetFigures {
  /** Objective in percent, e.g. 99.9. */
  slo: number;
  /** The SLO window, e.g. "28d". */
  window: string;
  /** 1 - slo/100. */
  budget: number;
  /** Error ratio (0..1) over the SLO window. */
  errorRatio: number;
  /** errorRatio / budget: 1 means the budget is fully spent. */
  spent: number;
  burn: BurnRateFigure[];
  /** Set when the figures could not be obtained (Prometheus down, query failed): the gate fails closed. */
  unavailable?: string;
}

export interface CheckState {
  name: string;
  conclusion: Conclusion;
}

/** Everything a gate may look at: plain data read from GitHub and the config, and the clock. */
export interface GateContext {
  pipeline: Pipeline;
  stage: ResolvedStage;
  mode: Mode;
  /** `prerelease`: GitHub's "Set as a pre-release" flag on the release (undefined: a full release). */
  release: { tag: string; author: string; prerelease?: boolean };
  /**
   * The people behind the release who may not approve it (`readReleasePeople` in src/github/people.ts): the
   * release author, or when a bot published it, the commit's author and committer and its pull request's author
   * and merger. Undefined: not read (only `release.author` is excluded).
   */
  releasePeople?: string[];
  /**
   * Reviews of this deploy job in GitHub's UI (`readRunApprovals`), with `gates.github-reviewers`. Undefined: no run
   * to read (before the dispatch), so GitHub's reviewers are trusted to be checked when the job waits.
   */
  runApprovals?: RunApprovalFact[];
  /** Login of the person (or bot) who triggered this deploy. */
  triggeredBy: string;
  /** Set when this deploy runs under a recorded `/hotfix`. */
  hotfix?: { by: string; reason: string };
  /** Earlier stages' state for this release (any order; matched by name). */
  stages: StageState[];
  /** Approvals recorded for this release (any stage; filtered by stage name). */
  approvals: ApprovalFact[];
  environment?: EnvironmentProtection;
  lock?: LockFact;
  errorBudget?: ErrorBudgetFigures;
  requiredChecks: CheckState[];
  /** Other Shipline deploy jobs running right now, anywhere in the repository (the overlap gate). */
  activeRollouts?: ActiveRollout[];
  now: Date;
}

export interface Evaluation {
  approved: boolean;
  /**
   * What to answer the waiting deploy job: approve; reject with the reasons; or wait (leave the request
   * unanswered) when approvals are all that is missing, so `/approve` can release the same job.
   */
  verdict: "approve" | "reject" | "wait";
  results: GateResult[];
  /** At most 1024 characters: the deployment protection rule review comment. */
  comment: string;
  /** A Markdown table for the stage's check run. */
  markdown: string;
}

/** A Shipline deploy job that is running (not waiting): what it deploys, and where. */
export interface ActiveRollout {
  runId: number;
  release: string;
  stage: string;
  environment: string;
  url?: string;
}
