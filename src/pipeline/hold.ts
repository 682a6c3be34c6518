import type { Pipeline } from "../config/types.js";
import type { Evaluation } from "../gates/types.js";
import { decodeRecord, encodeRecord } from "../records/codec.js";
import { CHECK_PREFIX, claimRef } from "./identity.js";
import { dispatchEffect, upsertCheck } from "./published.js";
import { releaseHeld } from "./release-check.js";
import { stageViews } from "./state.js";
import { pipelineMarkdown, withStageButtons } from "./summary.js";
import type { Decision, Effect, Snapshot } from "./types.js";

type Dispatch = Extract<Effect, { kind: "dispatch" }>;

/** The ref that lists a release's stage among those waiting for a gate (the clock reads them all at once). */
export function waitingRef(tag: string, stage: string): string {
  return claimRef(tag, stage, "rollout", "waiting").replace(/^refs\/shipline\//, "refs/shipline-wait/");
}

/**
 * The ref that lists a baking stage among the waiting ones (`refs/shipline-wait/<tag>/<stage>-bake-waiting`): the
 * clock dispatches its verification rounds and ends its bake.
 */
export function bakeWaitingRef(tag: string, stage: string): string {
  return waitingRef(tag, stage).replace(/-rollout-waiting$/, "-bake-waiting");
}

/** The claim that makes one hold of a stage happen once (a redelivery of the same event finds it taken). */
/**
 * The key of a hold that the clock writes again because the closed gates changed (a window opened into a
 * freeze): the same on every replica looking at the same records (the gates now closed and the hold they
 * replace), new for every change, so each change is written once and none is lost to an earlier hold's claim.
 */
export function reholdKey(closed: readonly string[], previous: { at: Date } | undefined): string {
  return `${closed.join("-") || "none"}-after-${previous ? previous.at.getTime() : 0}`;
}

export function holdClaim(dispatch: Dispatch, key = "1"): string {
  return claimRef(dispatch.inputs.release, dispatch.inputs.stage, "rollout", `held-${key}`);
}

/**
 * A rollout whose gates are closed is not dispatched: its stage check run waits, with the gate table, why, and
 * when it may open by itself; the stage is listed among the waiting ones so the clock looks at it again.
 */
export function holdDispatch(
  pipeline: Pipeline,
  snapshot: Snapshot,
  dispatch: Dispatch,
  evaluation: Evaluation,
  now: Date,
  /** The pipeline as the decision leaves it, for the overview (default: the snapshot). */
  after: Snapshot = snapshot,
): Effect[] {
  const stage = dispatch.inputs.stage;
  const closed = evaluation.results.filter((r) => !r.ok);
  const opens = closed
    .map((r) => r.until)
    .filter((d): d is Date => d instanceof Date)
    .sort((a, b) => b.getTime() - a.getTime())[0];
  const byItself = closed.every((r) => r.until !== undefined);
  const phases = new Map(stageViews(pipeline, after).map((v) => [v.stage.name, v.phase]));
  const overview = pipelineMarkdown(pipeline, snapshot.release, phases);
  const next = byItself
    ? `Shipline starts ${stage} by itself once ${closed.length > 1 ? "these gates open" : "this gate opens"}${opens ? ` (${opens.toISOString().replace(/\.\d{3}Z$/, "Z")} at the earliest)` : ""}: nobody needs to come back.`
    : `Shipline starts ${stage} by itself as soon as every gate is open; ${closed
        .filter((r) => r.until === undefined)
        .map((r) => r.next ?? r.reason)
        .join(" ")}`;
  const approve = closed.some((r) => r.gate === "four-eyes")
    ? `\n\nAnother engineer with write access approves with \`/approve ${dispatch.inputs.release} to ${stage}\` (a comment on an issue or pull request).`
    : "";
  const title = `Waiting: ${closed.map((r) => r.gate).join(", ")}${opens && byItself ? ` (opens ${opens.toISOString().slice(0, 16).replace("T", " ")} UTC)` : ""}`;
  const effects: Effect[] = [
    upsertCheck(snapshot, {
      name: `${CHECK_PREFIX}${stage}`,
      status: "queued",
      title: title.slice(0, 200),
      summary: `${overview}\n\n${evaluation.markdown}\n\n${next}${approve}\n\n${encodeRecord("held", {
        release: dispatch.inputs.release,
        stage,
        gates: closed.map((r) => r.gate),
        at: now.toISOString(),
        ...(opens ? { until: opens.toISOString() } : {}),
        ...(dispatch.inputs.reason ? { reason: dispatch.inputs.reason.slice(0, 500) } : {}),
      })}`,
    }),
    { kind: "mark-waiting", ref: waitingRef(dispatch.inputs.release, stage) },
    // The release's own check run says it is held, and why, instead of "Releasing" with nothing moving.
    ...releaseHeld(after, stage, closed, next),
  ];
  return withStageButtons(pipeline, effects);
}

/**
 * Adds a hold's effects to a decision's: the stage's check run may be created by that same decision (the first
 * stage at publish), and then the hold is written into that creation instead of a second write.
 */
export function mergeHold(effects: readonly Effect[], hold: readonly Effect[]): Effect[] {
  const out = [...effects];
  for (const h of hold) {
    const i =
      h.kind === "create-check" || h.kind === "update-check"
        ? out.findIndex((e) => e.kind === "create-check" && e.name === h.name)
        : -1;
    const created = out[i];
    if (created?.kind === "create-check" && (h.kind === "create-check" || h.kind === "update-check")) {
      const { id: _id, kind: _kind, ...fields } = h as typeof h & { id?: number };
      out[i] = { ...created, ...fields, kind: "create-check" };
    } else out.push(h);
  }
  return out;
}

/**
 * Wakes a held stage: when its check run still shows the hold, a dispatch of it (claimed once per hold, so
 * two replicas or two clock ticks waking it together dispatch once), to be gated again by the shell. A stage
 * that is no longer held (dispatched, completed, superseded) only leaves the waiting list.
 */
export function resumeHeld(pipeline: Pipeline, snapshot: Snapshot, stageName: string): Decision {
  const tag = snapshot.release.tag;
  const ref = waitingRef(tag, stageName);
  const view = stageViews(pipeline, snapshot).find((v) => v.stage.name === stageName);
  const hold = view?.check?.status === "queued" ? decodeRecord("held", view.check.summary) : undefined;
  if (!view || !hold || view.phase !== "pending")
    return {
      effects: [{ kind: "clear-waiting", ref }],
      reason: `${tag} ${stageName} is no longer held`,
      claim: `${ref}-cleared`,
    };
  const phases = new Map(stageViews(pipeline, snapshot).map((v) => [v.stage.name, v.phase]));
  const dispatch = dispatchEffect(
    pipeline,
    tag,
    view.index,
    pipelineMarkdown(pipeline, snapshot.release, phases),
  );
  if (dispatch.kind !== "dispatch") return { effects: [], reason: "no dispatch" };
  return {
    reason: `${tag} ${stageName}: held since ${hold.at.toISOString()}, looking at its gates again`,
    effects: [
      {
        ...dispatch,
        claim: resumeClaim(tag, stageName, hold),
        ...(hold.reason ? { inputs: { ...dispatch.inputs, reason: hold.reason } } : {}),
      },
    ],
  };
}

/**
 * The claim of a held stage's wake-up: one per hold, so the clock's ticks, replicas and an /approve waking it
 * together dispatch it once; a dispatch with this claim looks again at this very hold.
 */
export function resumeClaim(tag: string, stage: string, hold: { at: Date }): string {
  return claimRef(tag, stage, "rollout", `w${hold.at.getTime()}`);
}

/** What a waiting ref names: a held stage (`<stage>-rollout-waiting`) or a baking one (`<stage>-bake-waiting`). */
export interface Waiting {
  tag: string;
  stage: string;
  kind: "hold" | "bake";
}

/** The stage a waiting ref names (`refs/shipline-wait/<tag>/<stage>-rollout-waiting` or `-bake-waiting`), or undefined. */
export function parseWaitingRef(ref: string): Waiting | undefined {
  const m = /^refs\/shipline-wait\/([^/]+)\/(.+)-(rollout|bake)-waiting$/.exec(ref);
  if (!m) return undefined;
  return {
    tag: decodeURIComponent(m[1]!),
    stage: decodeURIComponent(m[2]!),
    kind: m[3] === "bake" ? "bake" : "hold",
  };
}
