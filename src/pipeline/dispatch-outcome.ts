import { encodeRecord, recordLines } from "../records/codec.js";
import type { CheckAction, CheckStatus, Effect } from "./types.js";

type Dispatch = Extract<Effect, { kind: "dispatch" }>;

/** A stage check run write, as the core words it. */
export interface CheckText {
  name: string;
  status: CheckStatus;
  conclusion?: "failure";
  title: string;
  summary: string;
  detailsUrl?: string;
  actions?: CheckAction[];
}

/**
 * The stage's check run once GitHub started the deploy workflow run: in progress from here (the deploy job's
 * own `in_progress` status then has nothing to add), in the one write that creates or updates it.
 */
export function dispatchedCheck(
  effect: Dispatch & { check: NonNullable<Dispatch["check"]> },
  run: { runId?: number; runUrl?: string },
  now: Date,
  /** The check run's summary as read: its records (approvals, hotfixes) are carried over, a hold is not. */
  previous?: string | null,
): CheckText {
  const kept = recordLines(previous).filter(
    (line) =>
      !line.startsWith("<!-- shipline:held ") &&
      !(effect.check.deploying ?? effect.check.summary).includes(line),
  );
  const { inputs } = effect;
  const where = run.runUrl
    ? `[Deploy workflow run](${run.runUrl})`
    : `Workflow \`${effect.workflow}\` dispatched on \`${effect.ref}\`.`;
  return {
    name: effect.check.name,
    status: "in_progress",
    title: effect.check.title ?? `Deploying ${inputs.release} to ${inputs.environment}`,
    summary: `${effect.check.deploying ?? effect.check.summary}\n\n${where}${kept.length ? `\n\n${kept.join("\n")}` : ""}\n\n${encodeRecord("dispatched", { ...(run.runId ? { run: run.runId } : {}), at: now.toISOString() })}`,
    ...(run.runUrl ? { detailsUrl: run.runUrl } : {}),
    ...(effect.check.actions ? { actions: effect.check.actions } : {}),
  };
}

/** The stage's check run when GitHub refused the dispatch: why, and how to try again. */
export function dispatchFailedCheck(
  effect: Dispatch & { check: { name: string; summary: string } },
  why: string,
): CheckText {
  const { inputs } = effect;
  return {
    name: effect.check.name,
    status: "completed",
    conclusion: "failure",
    title: "Could not start the deploy workflow",
    summary: `${effect.check.summary}\n\nGitHub refused to dispatch \`.github/workflows/${effect.workflow}\` on \`${effect.ref}\`: **${why}**\n\nCheck that the workflow exists at that tag and has a \`workflow_dispatch\` trigger with the inputs release, stage, mode, pipeline, environment, from and reason, then comment \`/retry ${inputs.release}\`.`,
  };
}
