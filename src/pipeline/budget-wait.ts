import { pipelineForTag } from "../config/index.js";
import type { Config } from "../config/types.js";
import { decodeRecord, encodeRecord } from "../records/codec.js";
import { RELEASE_CHECK } from "./identity.js";
import { findCheck } from "./state.js";
import type { CheckRunState, Decision, Effect, Snapshot } from "./types.js";

/**
 * A release whose first writes would wait this long or more for the installation's write budget (GitHub's
 * secondary limit: 80 content-creating requests a minute, 500 an hour) is shown waiting first: a user who
 * published it sees why nothing happens yet, instead of nothing.
 */
export const BUDGET_NOTICE_MS = 5_000;

/** About how many writes a release.published that starts a pipeline makes: claim, `shipline`, dispatch, stage 1. */
export const RELEASE_START_WRITES = 4;

/**
 * Whether `decision` (a release.published decision that starts a pipeline) should first show its release
 * waiting for the write budget, and what to write: the release's check run, queued, saying why and for about
 * how long. Undefined when the wait is short or the decision does not start a pipeline. The shell writes it
 * right after the decision's claim, ahead of the queue; the decision's create of that check run then updates it.
 */
export function budgetWait(
  config: Config,
  snapshot: Snapshot,
  decision: Decision,
  expected: { waitMs: number; ahead: number },
  now: Date,
): Extract<Effect, { kind: "create-check" }> | undefined {
  if (expected.waitMs < BUDGET_NOTICE_MS) return undefined;
  // A pipeline that starts (a refusal is one write, shown as it is).
  const starts = decision.effects.some(
    (e) => e.kind === "create-check" && e.name === RELEASE_CHECK && e.status === "in_progress",
  );
  const pipeline = pipelineForTag(config, snapshot.release.tag);
  if (!starts || !pipeline || findCheck(snapshot, RELEASE_CHECK)) return undefined;
  const tag = snapshot.release.tag;
  const seconds = Math.max(1, Math.round(expected.waitMs / 1000));
  const ahead = expected.ahead === 1 ? "1 write" : `${expected.ahead} writes`;
  return {
    kind: "create-check",
    name: RELEASE_CHECK,
    status: "queued",
    title: `Waiting for GitHub's write budget: ${tag} starts in about ${seconds} s`,
    summary: [
      `GitHub lets an installation make at most 80 content-creating requests a minute and 500 an hour. ` +
        `This installation's are queued (${ahead} ahead of [\`${tag}\`](${snapshot.release.htmlUrl}) ` +
        `in this App process), so Shipline paces them instead of having GitHub refuse them.`,
      "",
      `Pipeline \`${pipeline.name}\` starts (${pipeline.stages.map((s) => `\`${s.name}\``).join(" → ")}) ` +
        `as soon as the budget allows, in about ${seconds} s. Nothing to do; nothing was lost.`,
      "",
      encodeRecord("budget-wait", { at: now, ahead: expected.ahead }),
    ].join("\n"),
  };
}

/** The release's check run when it is the placeholder `budgetWait` wrote (the pipeline has not started). */
export function budgetPlaceholder(snapshot: Snapshot): CheckRunState | undefined {
  const check = findCheck(snapshot, RELEASE_CHECK);
  return check && decodeRecord("budget-wait", check.summary) ? check : undefined;
}
