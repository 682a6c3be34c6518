/**
 * Words every part of Shipline shares (the core, the App, the Action, notifications). Spelled once here; every
 * other module imports them.
 */

/** What a deploy job does: install a release (rollout), go back to an earlier one (rollback), or only verify. */
export const MODES = ["rollout", "rollback", "verify"] as const;
export type Mode = (typeof MODES)[number];

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}
/** A deploy that moves a target to a release: a rollout or a rollback (verify-only jobs install nothing). */
export type InstallMode = Exclude<Mode, "verify">;

/** A check run's status, as GitHub reports it. */
export type CheckStatus = "queued" | "in_progress" | "completed";
/** A completed check run's conclusion, as GitHub reports it. */
export type CheckConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required";

/** Shipline's answer to a deploy job waiting for its deployment protection rule, as GitHub names it. */
export type ReviewState = "approved" | "rejected";
