import type { NotifyEventName } from "../config/schema/notify.js";
import type { Mode } from "../config/vocabulary.js";

export type { NotifyEventName };
export type NotifyOutcome = "started" | "success" | "failure";

/**
 * One release event, as sent to generic webhooks (the JSON body, field for field) and rendered for Slack.
 * `at` is an ISO 8601 instant; `run_url` links the deploy job's workflow run.
 */
export interface ReleaseEvent {
  event: NotifyEventName;
  release: string;
  stage: string;
  environment: string;
  mode: Mode;
  outcome: NotifyOutcome;
  targets: string[];
  /** How many targets the environment has, all its stages together (more than `targets` for a canary); Slack words a canary with it, the webhook body leaves it out. */
  environment_targets?: number;
  at: string;
  run_url: string | null;
  /** Pipeline name ("default" for single-pipeline configs). */
  pipeline: string;
  /** The step's message: why it failed, what was rolled back. */
  message: string | null;
  /** For rollbacks: the release being rolled back. */
  from: string | null;
}

const KIND: Record<Mode, string> = { rollout: "stage", rollback: "rollback", verify: "verify" };

/** The event name for a mode and outcome: rollout → stage.*, rollback → rollback.*, verify → verify.*. */
export function eventName(mode: Mode, outcome: NotifyOutcome): NotifyEventName {
  const phase = outcome === "started" ? "started" : outcome === "success" ? "succeeded" : "failed";
  return `${KIND[mode]}.${phase}` as NotifyEventName;
}

/** Whether a destination with this `events` filter wants the event (no filter: every event). */
export function wants(filter: readonly NotifyEventName[] | undefined, event: NotifyEventName): boolean {
  return !filter || filter.includes(event);
}
