import { pipelineForTag } from "../config/index.js";
import type { Config, Pipeline } from "../config/types.js";
import { decodeRecords, encodeRecord, hasRecord } from "../records/codec.js";
import {
  bakeDone,
  bakedSuccess,
  bakeMarkdown,
  bakeOf,
  bakesOnClock,
  recordRound,
  rolledBackTo,
  roundInFlight,
  startBake,
} from "./bake.js";
import { liveText, rolledBackText, rollingBackText, stageWhere } from "./coverage.js";
import { bakeWaitingRef } from "./hold.js";
import { claimRef, RELEASE_CHECK, stageCheckName } from "./identity.js";
import { isRefused, type RollbackTarget } from "./previous-release.js";
import { upsertCheck } from "./published.js";
import { stageSucceeded } from "./stage-success.js";
import { findCheck, type StagePhase, stageViews } from "./state.js";
import {
  pauseHint,
  pipelineMarkdown,
  releaseTimeline,
  withReleaseTimeline,
  withStageButtons,
} from "./summary.js";
import type { Decision, Effect, Snapshot, StageEvent } from "./types.js";

const FAILED = new Set(["failure", "error"]);
const ACTIVE = new Set(["queued", "pending", "in_progress"]);

/** Whether the shell must look up the environment's previous successful release before deciding. */
export function needsPreviousRelease(config: Config, event: StageEvent): boolean {
  const pipeline = pipelineForTag(config, event.release);
  return Boolean(
    pipeline?.rollback.automatic &&
      (event.mode === "rollout" || event.mode === "verify") &&
      FAILED.has(event.state) &&
      event.verification !== "inconclusive",
  );
}

/**
 * Whether the shell must read the deploy job's annotations: a failed rollout job may have failed its
 * verification (or could not decide), and a verified stage's report belongs on its check run.
 */
export function needsJobReport(config: Config, event: StageEvent): boolean {
  if (event.mode !== "rollout" && event.mode !== "verify") return false;
  if (FAILED.has(event.state)) return true;
  const stage = pipelineForTag(config, event.release)?.stages.find((s) => s.name === event.stage);
  return event.state === "success" && Boolean(stage && (stage.verify.length > 0 || stage.bake));
}

/** Verification could not decide: the stage stays deployed, nothing is promoted or rolled back, a human decides. */
function onInconclusive(
  pipeline: Pipeline,
  snapshot: Snapshot,
  event: StageEvent,
  phases: Map<string, StagePhase>,
): Decision {
  const link = event.logUrl ?? event.runUrl;
  phases.set(event.stage, "failed");
  const overview = pipelineMarkdown(pipeline, snapshot.release, phases);
  const ask = `Verification of \`${event.release}\` in ${event.stage} was **inconclusive**${event.description ? `: ${event.description.replace(/\n/g, " ")}` : ""}. The release stays deployed and the pipeline is paused: comment \`/promote\` to go on, or \`/rollback\` to go back.`;
  return {
    reason: `${event.stage}: verification inconclusive; waiting for a human`,
    effects: [
      upsertCheck(snapshot, {
        name: stageCheckName(event.stage),
        status: "completed",
        conclusion: "action_required",
        title: `Verification inconclusive: /promote or /rollback`,
        summary: `${overview}\n\n${ask}${link ? `\n\n[Deploy job log](${link})` : ""}${verificationSection(event)}\n\n${encodeRecord("inconclusive", { stage: event.stage })}`,
        ...(link ? { detailsUrl: link } : {}),
      }),
      upsertCheck(snapshot, {
        name: RELEASE_CHECK,
        status: "in_progress",
        title: `Paused: ${event.stage} needs a decision`,
        summary: `${findCheck(snapshot, RELEASE_CHECK)?.summary ?? overview}\n\n${ask}`,
      }),
    ],
  };
}

/**
 * deployment_status for a stage's deploy job. The snapshot is of the release the check runs belong to
 * (for a rollback, the release rolled back *from*). `previous` is the environment's last successful
 * release other than this one, when `needsPreviousRelease` asked for it (or the one the failed job reported,
 * refused when it did not hold: previous-release.ts `reportedTarget`).
 */
export function onDeploymentStatus(
  config: Config,
  snapshot: Snapshot,
  event: StageEvent,
  previous: RollbackTarget,
  /** The App's clock: a bake that starts now is measured from it. */
  now: Date,
): Decision {
  const tag = event.mode === "rollback" ? (event.from ?? event.release) : event.release;
  const pipeline = pipelineForTag(config, tag);
  const index = pipeline?.stages.findIndex((s) => s.name === event.stage) ?? -1;
  if (!pipeline || index < 0) return { effects: [], reason: `no stage ${event.stage} for ${tag}` };
  if (event.mode === "rollback") {
    const rolledBack = onRollbackStatus(pipeline, snapshot, event, now);
    return { ...rolledBack, effects: withReleaseTimeline(snapshot, rolledBack.effects, now) };
  }
  const decision =
    event.mode === "verify"
      ? decideVerify(pipeline, snapshot, event, index, previous, now)
      : decideRollout(pipeline, snapshot, event, index, previous, now);
  return {
    ...decision,
    effects: withReleaseTimeline(snapshot, withStageButtons(pipeline, decision.effects), now),
  };
}

function decideRollout(
  pipeline: Pipeline,
  snapshot: Snapshot,
  event: StageEvent,
  index: number,
  previous: RollbackTarget,
  now: Date,
): Decision {
  const tag = event.release;

  const views = stageViews(pipeline, snapshot);
  const view = views[index]!;
  const phases = new Map<string, StagePhase>(views.map((v) => [v.stage.name, v.phase]));
  const name = stageCheckName(event.stage);
  const link = event.logUrl ?? event.runUrl;
  const links = (link ? `\n\n[Deploy job log](${link})` : "") + verificationSection(event);

  if (view.check?.status === "completed") {
    return {
      effects: [],
      reason: `${name} already completed (${view.check.conclusion}); ${event.state} ignored`,
    };
  }

  // A run nobody cleared (the deploy workflow started by hand) never changes a stage: its Action refuses to
  // roll out, and its failure must not fail the stage, roll the environment back or lock it.
  const stranger = notDispatchedByShipline(view.check?.summary, event);
  if (stranger) return { effects: [], reason: stranger };

  if (ACTIVE.has(event.state)) {
    // The dispatch wrote the stage's check run in progress with the run's link: nothing to add (a write saved
    // per stage). With no check run yet, the dispatching handler is about to create it, in progress.
    if (!view.check) return { effects: [], reason: `${name} is being created by its dispatch` };
    if (view.check.status === "in_progress" && view.check.detailsUrl)
      return { effects: [], reason: `${name} already shows the deploy in progress` };
    phases.set(event.stage, "running");
    return {
      reason: `${event.stage} is deploying`,
      effects: [
        upsertCheck(snapshot, {
          name,
          status: "in_progress",
          title: `Deploying ${tag} to ${stageWhere(pipeline, event.stage, tag, event.environment)}`,
          summary: `${pipelineMarkdown(pipeline, snapshot.release, phases)}\n\n${pauseHint(tag, event.stage, pipeline.stages[index + 1]?.name)}${links}`,
          ...(link ? { detailsUrl: link } : {}),
        }),
      ],
    };
  }

  if (event.state === "success") {
    const stage = pipeline.stages[index]!;
    // A stage with a bake stays in progress: the App's clock runs its verification rounds and ends the bake.
    if (bakesOnClock(pipeline, stage, snapshot)) {
      if (bakeOf(pipeline, stage, view.check))
        return { effects: [], reason: `${event.stage} is already baking; ${event.state} ignored` };
      return {
        claim: claimRef(tag, event.stage, "rollout", `bake-${event.runId ?? event.deploymentId}`),
        effects: startBake(pipeline, snapshot, stage, now, {
          tail: links,
          ...(link ? { link } : {}),
          verified: stage.verify.length > 0,
        }),
        reason: `${event.stage} is live; baking ${stage.bake} on the App's clock`,
      };
    }
    return stageSucceeded(pipeline, snapshot, {
      stage: event.stage,
      environment: event.environment,
      title: liveText(pipeline, event.stage, tag, event.environment),
      tail: links,
      ...(link ? { link } : {}),
    });
  }

  if (FAILED.has(event.state) && event.verification === "inconclusive")
    return onInconclusive(pipeline, snapshot, event, phases);
  if (FAILED.has(event.state)) return onStageFailure(pipeline, snapshot, event, index, phases, previous);
  return { effects: [], reason: `state ${event.state} ignored` };
}

/**
 * deployment_status of a bake's verify job (one verification round). Only the round in flight on the baking
 * stage's check run counts (a verify run started by hand, or one reporting twice, changes nothing). Passed: the
 * round is recorded (and a last round after the bake time ends the bake); failed: the stage fails and rolls back
 * like a failed rollout verification; inconclusive, or a job that failed without a verdict: a human decides.
 */
function decideVerify(
  pipeline: Pipeline,
  snapshot: Snapshot,
  event: StageEvent,
  index: number,
  previous: RollbackTarget,
  now: Date,
): Decision {
  const stage = pipeline.stages[index]!;
  const check = findCheck(snapshot, stageCheckName(stage.name));
  const bake = check?.status === "in_progress" ? bakeOf(pipeline, stage, check) : undefined;
  if (!bake) return { effects: [], reason: `${event.stage} is not baking; verify ${event.state} ignored` };
  const round = roundInFlight(bake);
  if (!round) return { effects: [], reason: `${event.stage}: no verification round in flight; ignored` };
  if (ACTIVE.has(event.state)) return { effects: [], reason: `${event.stage}: round ${round.k} is running` };
  const tag = event.release;
  const link = event.logUrl ?? event.runUrl;
  const tail = (link ? `\n\n[Verify job log](${link})` : "") + verificationSection(event);
  const marker = (outcome: "passed" | "failed" | "inconclusive") =>
    encodeRecord("round", { k: round.k, outcome, at: now.toISOString() });
  if (event.state === "success") {
    const passed = {
      ...bake,
      records: [...bake.records, { k: round.k, outcome: "passed" as const, at: now }],
    };
    if (bakeDone(passed, now) && !rolledBackTo(snapshot, stage.name)) {
      const done = bakedSuccess(pipeline, snapshot, stage, passed, now, `${tail}\n\n${marker("passed")}`);
      return { ...done, claim: claimRef(tag, stage.name, "verify", "baked") };
    }
    return {
      claim: claimRef(tag, stage.name, "verify", `${round.k}-reported`),
      effects: [recordRound(pipeline, snapshot, stage, bake, round.k, "passed", now, tail)],
      reason: `${event.stage}: round ${round.k} of ${bake.total} passed`,
    };
  }
  if (!FAILED.has(event.state)) return { effects: [], reason: `state ${event.state} ignored` };
  const phases = new Map<string, StagePhase>(
    stageViews(pipeline, snapshot).map((v) => [v.stage.name, v.phase]),
  );
  const failed = event.verification === "failed";
  const decision = failed
    ? onStageFailure(pipeline, snapshot, event, index, phases, previous)
    : onInconclusive(
        pipeline,
        snapshot,
        {
          ...event,
          verification: "inconclusive",
          description:
            event.verification === "inconclusive"
              ? `round ${round.k} of ${bake.total}: ${event.description ?? "inconclusive"}`
              : `the verify job of round ${round.k} of ${bake.total} failed without a verification verdict${event.description ? ` (${event.description})` : ""}`,
        },
        phases,
      );
  // The round's outcome goes on the stage's check run with the failure or the question.
  const name = stageCheckName(stage.name);
  const record = marker(failed ? "failed" : "inconclusive");
  const effects = decision.effects.map((e) =>
    (e.kind === "update-check" || e.kind === "create-check") && e.name === name
      ? { ...e, summary: `${e.summary}\n\n${bakeMarkdown(bake, now)}\n\n${record}` }
      : e,
  );
  return {
    ...decision,
    effects: [...effects, { kind: "clear-waiting", ref: bakeWaitingRef(tag, stage.name) }],
    claim: decision.claim ?? claimRef(tag, stage.name, "verify", `${round.k}-reported`),
    reason: `round ${round.k} of ${bake.total}: ${decision.reason}`,
  };
}

function onStageFailure(
  pipeline: Pipeline,
  snapshot: Snapshot,
  event: StageEvent,
  index: number,
  phases: Map<string, StagePhase>,
  reported: RollbackTarget,
): Decision {
  const tag = event.release;
  const previous = isRefused(reported) ? undefined : reported;
  const link = event.logUrl ?? event.runUrl;
  phases.set(event.stage, "failed");
  const later = pipeline.stages.slice(index + 1);
  for (const s of later) phases.set(s.name, "skipped");
  const overview = pipelineMarkdown(pipeline, snapshot.release, phases);
  const why = event.description ? `\n\n> ${event.description.replace(/\n/g, " ")}` : "";
  const stage = pipeline.stages[index]!;
  const rollback = pipeline.rollback.automatic
    ? previous
      ? `${capitalized(rollingBackText(pipeline, stage.name, tag, previous, stage.environment))} automatically.`
      : isRefused(reported)
        ? `Not rolling back automatically: ${reported.refused}. Nothing was dispatched; comment \`/rollback ${stage.environment}\` to roll ${stage.environment} back to its previous good release, or \`/rollback ${stage.environment} to <tag>\`.`
        : `No earlier successful release in ${stage.environment}: nothing to roll back to.`
    : "Automatic rollback is off: comment `/rollback` to restore the previous release.";
  const locked =
    pipeline.rollback.automatic && previous && pipeline.rollback.lock
      ? ` ${stage.environment} is locked until someone comments \`/unlock ${stage.environment}\`.`
      : "";
  const effects: Effect[] = [
    upsertCheck(snapshot, {
      name: stageCheckName(event.stage),
      status: "completed",
      conclusion: "failure",
      title:
        event.verification === "failed"
          ? `Verification of ${tag} failed in ${event.stage}`
          : `Deploying ${tag} to ${stageWhere(pipeline, event.stage, tag, event.environment)} failed`,
      summary: `${overview}${why}\n\n${link ? `[Deploy job log](${link}) · ` : ""}${rollback}${locked}${verificationSection(event)}`,
      ...(link ? { detailsUrl: link } : {}),
    }),
  ];
  for (const s of later) {
    const check = findCheck(snapshot, stageCheckName(s.name));
    if (check?.status === "completed") continue;
    effects.push(
      upsertCheck(snapshot, {
        name: stageCheckName(s.name),
        status: "completed",
        conclusion: "skipped",
        title: `Skipped: ${event.stage} failed`,
        summary: overview,
      }),
    );
  }
  // With a rollback dispatched the release's fate is not known yet: its check run is completed once, when the
  // rollback ends (onRollbackStatus), and until then the failed stage's check run says what is happening.
  if (!(pipeline.rollback.automatic && previous))
    effects.push(
      upsertCheck(snapshot, {
        name: RELEASE_CHECK,
        status: "completed",
        conclusion: "failure",
        title: `${tag} failed in ${event.stage}`,
        summary: `${overview}\n\n${rollback}${releaseTimeline(snapshot)}`,
      }),
    );
  if (pipeline.rollback.automatic && previous) {
    // If GitHub refuses the rollback's dispatch, the stage and the release say it did not start.
    const notStarted = `The automatic rollback to \`${previous}\` could not be dispatched: comment \`/rollback ${stage.environment}\` to try again.`;
    const failedStage = effects[0] as Extract<Effect, { kind: "create-check" | "update-check" }>;
    effects.push({
      kind: "dispatch",
      ifRefused: [
        { ...failedStage, summary: failedStage.summary.replace(rollback, notStarted) },
        upsertCheck(snapshot, {
          name: RELEASE_CHECK,
          status: "completed",
          conclusion: "failure",
          title: `${tag} failed in ${event.stage}; the rollback did not start`,
          summary: `${overview}\n\n${notStarted}${releaseTimeline(snapshot)}`,
        }) as Extract<Effect, { kind: "create-check" | "update-check" }>,
      ],
      claim: claimRef(tag, stage.name, "rollback"),
      workflow: pipeline.workflow,
      ref: previous,
      inputs: {
        release: previous,
        stage: stage.name,
        mode: "rollback",
        pipeline: pipeline.name,
        environment: stage.environment,
        from: tag,
        reason: `automatic: ${event.stage} failed`,
      },
    });
    if (pipeline.rollback.lock) {
      effects.push({
        kind: "lock",
        environment: stage.environment,
        reason: `automatic rollback: ${tag} failed in ${event.stage}${event.verification === "failed" ? " verification" : ""}`,
      });
    }
  }
  return {
    effects,
    reason: `${event.stage} failed${pipeline.rollback.automatic && previous ? `; rolling back to ${previous}` : isRefused(reported) ? `; reported rollback target refused: ${reported.refused}` : ""}`,
  };
}

function onRollbackStatus(pipeline: Pipeline, snapshot: Snapshot, event: StageEvent, now: Date): Decision {
  if (!FAILED.has(event.state) && event.state !== "success")
    return { effects: [], reason: `rollback ${event.state}` };
  const ok = event.state === "success";
  const line = ok
    ? `↩️ **Rolled back**: ${rolledBackText(pipeline, event.stage, event.from, event.release, event.environment)} (stage ${event.stage}).`
    : `🚨 **Rollback to \`${event.release}\` failed** in ${event.environment}: act now.${event.logUrl ? ` [Log](${event.logUrl})` : ""}`;
  const current = findCheck(snapshot, RELEASE_CHECK);
  if (current?.summary?.includes(line)) return { effects: [], reason: "rollback already recorded" };
  // A failure that dispatched an automatic rollback left the release's check run in progress for this write
  // (onStageFailure): it gets the pipeline as it is now and what failed, then the rollback's outcome.
  const failed = findCheck(snapshot, stageCheckName(event.stage));
  const before =
    current?.status === "completed"
      ? (current.summary ?? "")
      : `${pipelineMarkdown(pipeline, snapshot.release, new Map(stageViews(pipeline, snapshot).map((v) => [v.stage.name, v.phase])))}${failed?.conclusion === "failure" && failed.title ? `\n\n❌ ${failed.title}.` : ""}`;
  return {
    reason: `rollback of ${event.stage} to ${event.release}: ${event.state}`,
    effects: [
      upsertCheck(snapshot, {
        name: RELEASE_CHECK,
        status: "completed",
        conclusion: "failure",
        title: ok
          ? `${event.from ?? "release"} rolled back to ${event.release}`
          : `Rollback to ${event.release} failed`,
        summary: `${before}\n\n${line}\n\n${encodeRecord(ok ? "rolled-back" : "rollback-failed", { to: event.release, stage: event.stage, at: now })}`,
      }),
    ],
  };
}

/** The deploy job's verification report (every round, and a chart per metric), when the job left one. */
function verificationSection(event: StageEvent): string {
  return event.report ? `\n\n### Verification\n\n${event.report}` : "";
}

/**
 * Why a deploy job's outcome is not Shipline's to act on: the stage's check run records which run Shipline
 * dispatched. Progress (`in_progress`) may arrive before that record is written, so only another run's
 * record counts against it; an outcome needs the record of this very run.
 */
function notDispatchedByShipline(summary: string | null | undefined, event: StageEvent): string | undefined {
  if (event.runId === undefined) return undefined;
  const records = decodeRecords("dispatched", summary ?? "");
  const runs = records.map((r) => r.run).filter((r): r is number => r !== undefined);
  if (runs.includes(event.runId)) return undefined;
  // A GitHub that does not return run details leaves records without a run id: nothing to compare.
  if (records.length > 0 && runs.length === 0) return undefined;
  // A held stage was deliberately not dispatched: no run of it is Shipline's, not even its progress.
  if (ACTIVE.has(event.state) && runs.length === 0 && !hasRecord("held", summary)) return undefined;
  return `workflow run ${event.runId} was not dispatched by Shipline for ${event.stage}: ${event.state} ignored`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
