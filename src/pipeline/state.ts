import type { Pipeline, ResolvedStage } from "../config/types.js";
import { decodeInOrder, decodeRecord, decodeRecords, hasRecord } from "../records/codec.js";
import { RELEASE_CHECK, stageCheckName } from "./identity.js";
import type { CheckRunState, Snapshot } from "./types.js";

export type StagePhase =
  | "pending"
  | "dispatched"
  | "running"
  | "succeeded"
  | "failed"
  | "skipped"
  | "rolled-back";

export interface StageView {
  stage: ResolvedStage;
  index: number;
  check?: CheckRunState;
  phase: StagePhase;
}

/** Derives each stage's phase from its check run: GitHub is the database. */
export function stageViews(pipeline: Pipeline, snapshot: Snapshot): StageView[] {
  return pipeline.stages.map((stage, index) => {
    const check = findCheck(snapshot, stageCheckName(stage.name));
    return { stage, index, ...(check ? { check } : {}), phase: phaseOf(check) };
  });
}

export function findCheck(snapshot: Pick<Snapshot, "checkRuns">, name: string): CheckRunState | undefined {
  // Several runs may share a name (a re-run); the newest (highest id) is the current one.
  return snapshot.checkRuns.filter((c) => c.name === name).sort((a, b) => b.id - a.id)[0];
}

export function releaseCheck(snapshot: Snapshot): CheckRunState | undefined {
  return findCheck(snapshot, RELEASE_CHECK);
}

function phaseOf(check: CheckRunState | undefined): StagePhase {
  if (!check) return "pending";
  if (check.status === "queued") return heldSinceDispatch(check.summary) ? "pending" : "dispatched";
  if (check.status === "in_progress") return "running";
  if (check.conclusion === "success") return "succeeded";
  if (check.conclusion === "skipped" || check.conclusion === "cancelled") return "skipped";
  if (check.conclusion === "neutral" && hasRecord("rolled-back", check.summary)) return "rolled-back";
  return "failed";
}

/**
 * Whether a queued stage check run is waiting rather than dispatched: no dispatch recorded, or a hold (a gate
 * closed) recorded at or after its newest dispatch. Records carried over from an earlier attempt (a /retry of a
 * failed stage) sit after the new text, so their times decide, not their places.
 */
function heldSinceDispatch(summary: string | null | undefined): boolean {
  // An older dispatch record without a time counts as the oldest.
  const newest = (times: (Date | undefined)[]) => Math.max(-Infinity, ...times.map((t) => t?.getTime() ?? 0));
  const dispatched = newest(decodeRecords("dispatched", summary ?? "").map((r) => r.at));
  if (dispatched === -Infinity) return true;
  return newest(decodeRecords("held", summary ?? "").map((r) => r.at)) >= dispatched;
}

/** A release is paused while the last pause/resume record on its `shipline` check run is a pause. */
export function pausedBy(snapshot: Snapshot): string | undefined {
  const last = decodeInOrder(["pause", "resume"], releaseCheck(snapshot)?.summary ?? "").pop();
  return last?.kind === "pause" ? last.record.by : undefined;
}

/** The release's author as recorded on its `shipline` check run when the pipeline started. */
export function releaseAuthor(snapshot: Snapshot): string | undefined {
  return decodeRecord("release", releaseCheck(snapshot)?.summary ?? "")?.author || undefined;
}
