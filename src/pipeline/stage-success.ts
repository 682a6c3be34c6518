import type { Pipeline } from "../config/types.js";
import { decodeRecords } from "../records/codec.js";
import { RELEASE_CHECK, stageCheckName } from "./identity.js";
import { dispatchEffect, upsertCheck } from "./published.js";
import { findCheck, pausedBy, type StagePhase, stageViews } from "./state.js";
import { pipelineMarkdown, releaseTimeline } from "./summary.js";
import type { Decision, Effect, Snapshot } from "./types.js";

/** How a stage's success is worded on its check run. */
export interface StageSuccess {
  stage: string;
  environment: string;
  /** The stage check run's title, e.g. "v1.2.0 is live in production" or "v1.2.0 baked 48h in canary: ...". */
  title: string;
  /** Appended to the overview on the stage's check run (job links, the verification report, the bake). */
  tail: string;
  link?: string;
}

/**
 * What a stage's success does, wherever it comes from (its rollout job, or the end of a bake on the App's clock):
 * the stage's check run completes with success, then the next stage is dispatched (gated by the shell), or waits
 * for `/promote` or `/resume`, or the release is fully deployed.
 */
export function stageSucceeded(pipeline: Pipeline, snapshot: Snapshot, done: StageSuccess): Decision {
  const tag = snapshot.release.tag;
  const views = stageViews(pipeline, snapshot);
  const index = views.findIndex((v) => v.stage.name === done.stage);
  const phases = new Map<string, StagePhase>(views.map((v) => [v.stage.name, v.phase]));
  phases.set(done.stage, "succeeded");
  const effects: Effect[] = [];
  // Promotion needs every earlier stage to have succeeded: a job started by hand (or a hotfix) that skipped
  // a stage is recorded, but never carries the release further.
  const skipped = views.slice(0, index).find((v) => v.phase !== "succeeded");
  const next = skipped ? undefined : pipeline.stages[index + 1];
  const overview = pipelineMarkdown(pipeline, snapshot.release, phases);
  effects.push(
    upsertCheck(snapshot, {
      name: stageCheckName(done.stage),
      status: "completed",
      conclusion: "success",
      title: done.title.slice(0, 200),
      summary: overview + done.tail,
      ...(done.link ? { detailsUrl: done.link } : {}),
    }),
  );
  if (skipped) {
    return {
      effects,
      reason: `${done.stage} succeeded, but ${skipped.stage.name} has not: not promoting`,
    };
  }
  if (!next) {
    effects.push(
      upsertCheck(snapshot, {
        name: RELEASE_CHECK,
        status: "completed",
        conclusion: "success",
        title: `${tag} is fully deployed`,
        summary: `${overview}\n\nEvery stage succeeded: **${tag} is fully deployed.**${releaseTimeline(snapshot)}`,
      }),
    );
    return { effects, reason: `${tag} fully deployed` };
  }
  const paused = pausedBy(snapshot);
  if (paused) {
    effects.push(
      upsertCheck(snapshot, {
        name: stageCheckName(next.name),
        status: "queued",
        title: `Paused by ${paused}`,
        summary: `${overview}\n\nThe release is paused (by @${paused}): ${next.name} starts after \`/resume\`.`,
      }),
    );
    return { effects, reason: `${done.stage} succeeded; paused by ${paused}` };
  }
  if (next.promote === "manual") {
    effects.push(
      upsertCheck(snapshot, {
        name: stageCheckName(next.name),
        status: "queued",
        title: "Waiting for /promote",
        summary: `${overview}\n\n${next.name} starts when someone with write access comments \`/promote\` or presses **Promote** on the ${done.stage} check run.`,
      }),
    );
    return { effects, reason: `${done.stage} succeeded; ${next.name} waits for /promote` };
  }
  const next_ = dispatchEffect(pipeline, tag, index + 1, overview);
  const hotfix = releaseHotfix(snapshot);
  // A hotfix carries on through the pipeline without bake times: the deploy job learns it from `reason`.
  effects.push(
    hotfix && next_.kind === "dispatch"
      ? { ...next_, inputs: { ...next_.inputs, reason: `hotfix: ${hotfix.reason}` } }
      : next_,
  );
  return { effects, reason: `${done.stage} succeeded; dispatching ${next.name}` };
}

/** The hotfix recorded for this release on its `shipline` check run, if any (it skips bake times). */
export function releaseHotfix(snapshot: Snapshot) {
  return decodeRecords("hotfix", findCheck(snapshot, RELEASE_CHECK)?.summary ?? "")
    .filter((h) => h.release === snapshot.release.tag)
    .pop();
}
