/** Plain data the pipeline core decides from: read from GitHub by the shell, never fetched here. */

import type { CheckConclusion, CheckStatus, Mode, ReviewState } from "../config/vocabulary.js";

export type { CheckConclusion, CheckStatus, Mode, ReviewState };

export interface Uploader {
  login: string;
  type: string; // "User" | "Bot" | "Organization"
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  state: string; // "uploaded" | "open"
  digest?: string | null; // "sha256:<hex>" (GitHub's asset digest)
  uploader?: Uploader | null;
}

export interface Release {
  id: number;
  tag: string;
  /** The commit the tag points at; check runs live here. */
  sha: string;
  author: string;
  /** "User" or "Bot" (CI published it): the four-eyes gate then looks at the people behind the commit. */
  authorType?: string;
  draft: boolean;
  prerelease: boolean;
  htmlUrl: string;
  assets: ReleaseAsset[];
}

/** A Shipline check run already on the release commit. */
export interface CheckRunState {
  id: number;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt?: string | null;
  completedAt?: string | null;
  detailsUrl?: string | null;
  /** The output title as last written. */
  title?: string;
  /** The Markdown summary as last written (carries the stage's record markers). */
  summary?: string | null;
}

export interface Snapshot {
  release: Release;
  checkRuns: CheckRunState[];
}

/** What a deploy job tells us through its deployment_status event. */
export interface StageEvent {
  release: string;
  stage: string;
  mode: Mode;
  /** For rollbacks: the release that was rolled back. */
  from?: string;
  state: "queued" | "pending" | "in_progress" | "success" | "failure" | "error" | "inactive";
  environment: string;
  logUrl?: string;
  runUrl?: string;
  /** The deploy job's workflow run: only a run Shipline dispatched may change a stage. */
  runId?: number;
  description?: string;
  deploymentId: number;
  /** Read from the failed job's annotations: verification, not the rollout, failed or was inconclusive. */
  verification?: "failed" | "inconclusive";
  /** The job's verification report (rounds table and charts), shown on the stage's check run. */
  report?: string;
}

export interface DispatchInputs {
  release: string;
  stage: string;
  mode: Mode;
  pipeline: string;
  environment: string;
  from?: string;
  reason?: string;
}

/** A button on a check run (GitHub allows three): pressing it sends check_run.requested_action. */
export interface CheckAction {
  label: string;
  description: string;
  identifier: string;
}

export type Effect =
  | {
      kind: "create-check";
      name: string;
      status: CheckStatus;
      conclusion?: CheckConclusion;
      title: string;
      summary: string;
      detailsUrl?: string;
      actions?: CheckAction[];
    }
  | {
      kind: "update-check";
      id: number;
      name: string;
      status: CheckStatus;
      conclusion?: CheckConclusion;
      title: string;
      summary: string;
      detailsUrl?: string;
      actions?: CheckAction[];
    }
  | {
      kind: "dispatch";
      /** Ref created first: only the replica that creates it dispatches. */
      claim: string;
      workflow: string;
      ref: string;
      inputs: DispatchInputs;
      /** The stage check run that shows this dispatch (rollouts): created, or updated, once GitHub answers. */
      check?: {
        name: string;
        summary: string;
        /** The summary once GitHub started the run: the same overview, this stage deploying. */
        deploying?: string;
        /** The title once GitHub started the run ("Deploying v1.2.0 to the canary hosts of production (2 of 8)"). */
        title?: string;
        actions?: CheckAction[];
      };
      /**
       * Check-run writes to make instead if GitHub refuses the dispatch (the one outcome a decision cannot
       * foresee), each with GitHub's answer appended: an automatic rollback that did not start says so.
       */
      ifRefused?: Extract<Effect, { kind: "create-check" | "update-check" }>[];
    }
  | { kind: "lock"; environment: string; reason: string }
  /** The answer to a deploy job waiting for Shipline's deployment protection rule (github/apply.ts). */
  | { kind: "review"; runId: number; environment: string; state: ReviewState; comment: string }
  /** Lists the stage among those waiting for a gate (a ref: the clock lists them in one request). */
  | { kind: "mark-waiting"; ref: string }
  | { kind: "clear-waiting"; ref: string };

export interface Decision {
  effects: Effect[];
  /**
   * The ref that makes this decision happen once (created before any effect; a taken claim stops the shell).
   * Default: the first dispatch's claim. Set for decisions that create check runs without dispatching.
   */
  claim?: string;
  /** One line for the log, saying what was decided and why. */
  reason: string;
}
