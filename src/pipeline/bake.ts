import { formatDuration, parseDuration } from "../config/duration.js";
import type { Pipeline, ResolvedStage } from "../config/types.js";
import { decodeRecord, decodeRecords, encodeRecord, type RecordOf } from "../records/codec.js";
import { bakeWaitingRef } from "./hold.js";
import { claimRef, stageCheckName } from "./identity.js";
import { upsertCheck } from "./published.js";
import { releaseHotfix, stageSucceeded } from "./stage-success.js";
import { releaseCheck, type StagePhase, stageViews } from "./state.js";
import { pauseHint, pipelineMarkdown, withReleaseTimeline, withStageButtons } from "./summary.js";
import type { CheckRunState, Decision, Effect, Snapshot } from "./types.js";

/**
 * A stage's bake on the App's clock (docs/verification.md, "Where the bake happens"): the stage's check run stays
 * in progress from the moment its rollout succeeded (`baking {since}`); verification round k of the bake is due at
 * since + k x interval (k = 1..N, N = floor(bake / interval), none when the stage has no `verify` checks) and runs
 * as a short `verify` job; the stage succeeds once since + bake has passed and round N passed.
 */
export interface Bake {
  since: Date;
  bakeMs: number;
  intervalMs: number;
  /** N: the rounds of the bake after round 0 (which the rollout job ran). */
  total: number;
  /** Every round record, oldest first. */
  records: RecordOf<"round">[];
}

type RoundOutcome = RecordOf<"round">["outcome"];

/** A verify job that has not reported this long after its dispatch is taken as lost and dispatched again. */
export function lostAfterMs(bake: Pick<Bake, "intervalMs">): number {
  return Math.max(bake.intervalMs, 60 * 60_000);
}

/**
 * The checks a later round of the bake runs: every check, except `command` and `workflow` checks without
 * `every-round: true` (they run once, in round 0, right after the rollout).
 */
export function laterRoundChecks(pipeline: Pipeline, stage: ResolvedStage): string[] {
  return stage.verify.filter((name) => {
    const check = pipeline.checks[name];
    if (check?.command) return check.command["every-round"] === true;
    if (check?.workflow) return check.workflow["every-round"] === true;
    return true;
  });
}

/** The most verification rounds a bake on the App's clock runs after round 0. */
export const MAX_BAKE_ROUNDS = 48;

/** The bake time and interval of a stage in milliseconds, and N (undefined: the stage has no bake). */
export function bakeTimes(
  pipeline: Pipeline,
  stage: ResolvedStage,
): { bakeMs: number; intervalMs: number; total: number } | undefined {
  const bakeMs = stage.bake ? parseDuration(stage.bake) : undefined;
  if (!bakeMs) return undefined;
  // Every round leaves records on the stage's check run, whose summary GitHub bounds (65,535 characters): a long
  // bake with a short interval spreads its rounds instead, at most MAX_BAKE_ROUNDS of them.
  const configured = Math.max(1_000, parseDuration(stage.interval ?? "1m") ?? 60_000);
  const intervalMs = Math.max(configured, Math.ceil(bakeMs / MAX_BAKE_ROUNDS));
  const total = laterRoundChecks(pipeline, stage).length ? Math.floor(bakeMs / intervalMs) : 0;
  return { bakeMs, intervalMs, total };
}

/**
 * Whether this stage's success starts a bake on the App's clock: it has a bake and the release is not a hotfix
 * (a hotfix skips bake times, as the Action does).
 */
export function bakesOnClock(pipeline: Pipeline, stage: ResolvedStage, snapshot: Snapshot): boolean {
  return bakeTimes(pipeline, stage) !== undefined && !releaseHotfix(snapshot);
}

/** The bake recorded on a stage's check run, if it is baking (or baked). */
export function bakeOf(
  pipeline: Pipeline,
  stage: ResolvedStage,
  check: CheckRunState | undefined,
): Bake | undefined {
  const times = bakeTimes(pipeline, stage);
  const baking = decodeRecord("baking", check?.summary);
  if (!times || !baking) return undefined;
  // A rewrite of the summary puts the newest record first and carries the older ones after it: order by time.
  const rank = (r: RecordOf<"round">) => (r.outcome === "dispatched" ? 0 : 1);
  const records = decodeRecords("round", check?.summary).sort(
    (a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b) || a.k - b.k,
  );
  return { ...times, since: baking.since, records };
}

/** The newest outcome of round k (undefined: never dispatched). */
export function roundOutcome(bake: Bake, k: number): RecordOf<"round"> | undefined {
  return bake.records.filter((r) => r.k === k).at(-1);
}

/** The round whose verify job is running: dispatched, with no outcome yet. */
export function roundInFlight(bake: Bake): RecordOf<"round"> | undefined {
  const last = bake.records.filter((r) => r.k > 0).at(-1);
  return last?.outcome === "dispatched" ? last : undefined;
}

const passedRounds = (bake: Bake) =>
  new Set(bake.records.filter((r) => r.outcome === "passed").map((r) => r.k));

const left = (bake: Bake, now: Date) =>
  formatDuration(Math.max(0, bake.since.getTime() + bake.bakeMs - now.getTime()));

/** "Baking v1.2.0 in canary: round 3 of 12 passed, 36h left" (words from the records and the clock). */
export function bakingTitle(tag: string, stage: string, bake: Bake, now: Date, round?: string): string {
  const rest = left(bake, now);
  return `Baking ${tag} in ${stage}: ${round ? `${round}, ` : ""}${rest === "0s" ? "bake time over" : `${rest} left`}`;
}

/** The bake as a table on the stage's check run: when it started, when it ends, each round. */
export function bakeMarkdown(bake: Bake, now: Date): string {
  const end = new Date(bake.since.getTime() + bake.bakeMs);
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  const lines = [
    "### Bake",
    "",
    `Live since ${iso(bake.since)}; baking ${formatDuration(bake.bakeMs)} until ${iso(end)} (${left(bake, now)} left).` +
      (bake.total
        ? ` A short verify job runs the checks every ${formatDuration(bake.intervalMs)}: ${bake.total} rounds after the rollout's.`
        : " The stage has no `verify` checks: nothing runs while it bakes."),
  ];
  const done = bake.records.filter((r) => r.k > 0);
  if (done.length) {
    lines.push("", "| round | due | outcome | at |", "| --- | --- | --- | --- |");
    const latest = new Map<number, RecordOf<"round">>();
    for (const r of done) latest.set(r.k, r);
    // Rounds the clock passed over (it came later than a whole interval) show as not run.
    const last = Math.max(...latest.keys());
    for (let k = 1; k <= last; k++) {
      const r = latest.get(k);
      const outcome = !r
        ? "not run (the clock came late)"
        : r.outcome === "dispatched"
          ? "running"
          : r.outcome;
      lines.push(
        `| ${k} of ${bake.total} | ${iso(new Date(bake.since.getTime() + k * bake.intervalMs))} | ${outcome} | ${r ? iso(r.at) : ""} |`,
      );
    }
  }
  return lines.join("\n");
}

function overview(pipeline: Pipeline, snapshot: Snapshot, stage: string, phase: StagePhase): string {
  const phases = new Map(stageViews(pipeline, snapshot).map((v) => [v.stage.name, v.phase]));
  phases.set(stage, phase);
  return pipelineMarkdown(pipeline, snapshot.release, phases);
}

/**
 * The stage's rollout (and its round 0) succeeded and it has a bake: its check run stays in progress with
 * `baking {since}`, and it is listed among the waiting stages so the clock looks at it. Nothing is dispatched.
 */
export function startBake(
  pipeline: Pipeline,
  snapshot: Snapshot,
  stage: ResolvedStage,
  now: Date,
  job: { tail: string; link?: string; verified: boolean },
): Effect[] {
  const tag = snapshot.release.tag;
  const times = bakeTimes(pipeline, stage)!;
  const bake: Bake = { ...times, since: now, records: [] };
  const round0 = job.verified ? "round 0 passed" : undefined;
  return withStageButtons(pipeline, [
    upsertCheck(snapshot, {
      name: stageCheckName(stage.name),
      status: "in_progress",
      title: bakingTitle(tag, stage.name, bake, now, round0),
      summary: `${overview(pipeline, snapshot, stage.name, "running")}\n\n${bakeMarkdown(bake, now)}\n\n${hint(pipeline, tag, stage.name)}${job.tail}\n\n${encodeRecord("baking", { since: now.toISOString() })}`,
      ...(job.link ? { detailsUrl: job.link } : {}),
    }),
    { kind: "mark-waiting", ref: bakeWaitingRef(tag, stage.name) },
  ]);
}

/** A round's outcome recorded on the baking stage's check run, with the title that says so. */
export function recordRound(
  pipeline: Pipeline,
  snapshot: Snapshot,
  stage: ResolvedStage,
  bake: Bake,
  k: number,
  outcome: RoundOutcome,
  now: Date,
  tail = "",
): Effect {
  const record = { k, outcome, at: now };
  const after: Bake = { ...bake, records: [...bake.records, record] };
  const word = outcome === "dispatched" ? "running" : outcome;
  return upsertCheck(snapshot, {
    name: stageCheckName(stage.name),
    status: "in_progress",
    title: bakingTitle(snapshot.release.tag, stage.name, after, now, `round ${k} of ${bake.total} ${word}`),
    summary: `${overview(pipeline, snapshot, stage.name, "running")}\n\n${bakeMarkdown(after, now)}\n\n${hint(pipeline, snapshot.release.tag, stage.name)}${tail}\n\n${encodeRecord("round", { k, outcome, at: now.toISOString() })}`,
  });
}

/** What to comment to stop the release before the next stage, while the stage bakes (no buttons until it completes). */
function hint(pipeline: Pipeline, tag: string, stage: string): string {
  const index = pipeline.stages.findIndex((s) => s.name === stage);
  return pauseHint(tag, stage, pipeline.stages[index + 1]?.name);
}

/** Whether the bake is over: its time has passed and its last round passed. */
export function bakeDone(bake: Bake, now: Date, passed = passedRounds(bake)): boolean {
  return now.getTime() >= bake.since.getTime() + bake.bakeMs && (bake.total === 0 || passed.has(bake.total));
}

/** The stage's success at the end of its bake, worded from the records. */
export function bakedSuccess(
  pipeline: Pipeline,
  snapshot: Snapshot,
  stage: ResolvedStage,
  bake: Bake,
  now: Date,
  tail = "",
) {
  const tag = snapshot.release.tag;
  const passed = passedRounds(bake);
  passed.delete(0);
  const rounds = bake.total ? `: ${passed.size} round${passed.size === 1 ? "" : "s"} passed` : "";
  const decision = stageSucceeded(pipeline, snapshot, {
    stage: stage.name,
    environment: stage.environment,
    title: `${tag} baked ${formatDuration(bake.bakeMs)} in ${stage.name}${rounds}`,
    tail: `\n\n${bakeMarkdown(bake, now)}${tail}`,
  });
  return {
    ...decision,
    // The release's timeline, when this ends it, includes the bake's end (the clock's path, not only a job's).
    effects: [
      ...withReleaseTimeline(snapshot, decision.effects, now),
      { kind: "clear-waiting" as const, ref: bakeWaitingRef(tag, stage.name) },
    ],
  };
}

/**
 * The clock looks at a baking stage (pure: the snapshot and the time decide). Round k is due at
 * since + k x interval; when the clock comes late, only the newest due round runs (the ones it passed over are
 * shown as not run). One round runs at a time; a verify job lost for longer than `lostAfterMs` is dispatched
 * again. When the bake time has passed and round N passed, the stage succeeds as any stage does.
 */
export function decideBake(pipeline: Pipeline, snapshot: Snapshot, stageName: string, now: Date): Decision {
  const tag = snapshot.release.tag;
  const ref = bakeWaitingRef(tag, stageName);
  const view = stageViews(pipeline, snapshot).find((v) => v.stage.name === stageName);
  const bake = view ? bakeOf(pipeline, view.stage, view.check) : undefined;
  if (!view || !bake || view.check?.status !== "in_progress")
    return {
      effects: [{ kind: "clear-waiting", ref }],
      reason: `${tag} ${stageName} is not baking`,
      claim: `${ref}-cleared`,
    };
  const stage = view.stage;
  const back = rolledBackTo(snapshot, stageName);
  if (back) return endRolledBack(pipeline, snapshot, stage, bake, now, back);
  if (bakeDone(bake, now)) {
    return {
      ...bakedSuccess(pipeline, snapshot, stage, bake, now),
      claim: claimRef(tag, stageName, "verify", "baked"),
    };
  }
  const inFlight = roundInFlight(bake);
  const elapsed = now.getTime() - bake.since.getTime();
  if (inFlight) {
    if (now.getTime() - inFlight.at.getTime() < lostAfterMs(bake))
      return { effects: [], reason: `${tag} ${stageName}: round ${inFlight.k} of ${bake.total} is running` };
  }
  const k = Math.min(bake.total, Math.floor(elapsed / bake.intervalMs));
  const lost = inFlight !== undefined;
  if (k < 1 || (!lost && roundOutcome(bake, k))) {
    return { effects: [], reason: `${tag} ${stageName}: baking, ${left(bake, now)} left; no round due` };
  }
  const attempts = bake.records.filter((r) => r.k === k && r.outcome === "dispatched").length;
  const claim = claimRef(tag, stageName, "verify", attempts ? `${k}-${attempts + 1}` : String(k));
  return {
    reason: `${tag} ${stageName}: round ${k} of ${bake.total} due${lost ? ` (the verify job of round ${inFlight.k} never reported)` : ""}`,
    effects: [
      recordRound(pipeline, snapshot, stage, bake, k, "dispatched", now),
      {
        kind: "dispatch",
        claim,
        workflow: pipeline.workflow,
        ref: tag,
        inputs: {
          release: tag,
          stage: stageName,
          mode: "verify",
          pipeline: pipeline.name,
          environment: stage.environment,
          reason: `round ${k} of ${bake.total}`,
        },
      },
    ],
  };
}

/** Where a rollback of this stage took the environment while it baked (a `/rollback`), if one did. */
export function rolledBackTo(snapshot: Snapshot, stage: string): string | undefined {
  return decodeRecords("rolled-back", releaseCheck(snapshot)?.summary)
    .filter((r) => r.stage === stage)
    .at(-1)?.to;
}

/** A bake whose stage was rolled back ends there: no more rounds, nothing promoted. */
function endRolledBack(
  pipeline: Pipeline,
  snapshot: Snapshot,
  stage: ResolvedStage,
  bake: Bake,
  now: Date,
  to: string,
): Decision {
  const tag = snapshot.release.tag;
  return {
    claim: claimRef(tag, stage.name, "verify", "rolled-back"),
    reason: `${tag} ${stage.name}: rolled back to ${to} while baking; the bake ends`,
    effects: [
      upsertCheck(snapshot, {
        name: stageCheckName(stage.name),
        status: "completed",
        conclusion: "neutral",
        title: `Bake of ${tag} in ${stage.name} ended: rolled back to ${to}`,
        summary: `${overview(pipeline, snapshot, stage.name, "rolled-back")}\n\n${bakeMarkdown(bake, now)}\n\n${encodeRecord("rolled-back", { to, stage: stage.name })}`,
      }),
      { kind: "clear-waiting", ref: bakeWaitingRef(tag, stage.name) },
    ],
  };
}

/** The round number a verify job runs, from its `reason` input ("round 3 of 12"); undefined otherwise. */
export function parseRoundReason(reason: string | undefined): { k: number; total: number } | undefined {
  const m = reason ? /^round (\d+) of (\d+)$/.exec(reason.trim()) : null;
  return m ? { k: Number(m[1]), total: Number(m[2]) } : undefined;
}
