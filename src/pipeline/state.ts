import type { Pipeline, ResolvedStage } from "../config/types.js";
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

export function findCheck(snapshot: Snapshot, name: string): CheckRunState | undefined {
  // Several runs may share a name (a re-run); the newest (highest id) is the current one.
  return snapshot.checkRuns.filter((c) => c.name === name).sort((a, b) => b.id - a.id)[0];
}

export function releaseCheck(snapshot: Snapshot): CheckRunState | undefined {
  return findCheck(snapshot, RELEASE_CHECK);
}

function phaseOf(check: CheckRunState | undefined): StagePhase {
  if (!check) return "pending";
  if (check.status === "queued")
    return check.summary?.includes("<!-- shipline:dispatched") ? "dispatched" : "pending";
  if (check.status === "in_progress") return "running";
  if (check.conclusion === "success") return "succeeded";
  if (check.conclusion === "skipped" || check.conclusion === "cancelled") return "skipped";
  if (check.conclusion === "neutral" && check.summary?.includes("<!-- shipline:rolled-back"))
    return "rolled-back";
  return "failed";
}

/**
 * A release is paused while the last pause/resume marker on its `shipline` check run is a pause
 * (`/pause` writes `marker("pause", { by })`, `/resume` writes `marker("resume", { by })`).
 */
export function pausedBy(snapshot: Snapshot): string | undefined {
  const summary = releaseCheck(snapshot)?.summary ?? "";
  const last = [...summary.matchAll(/<!-- shipline:(pause|resume) (\{[^\n]*?\}) -->/g)].pop();
  if (last?.[1] !== "pause") return undefined;
  try {
    const by = (JSON.parse(last[2]!) as { by?: unknown }).by;
    return typeof by === "string" ? by : "someone";
  } catch {
    return "someone";
  }
}

/** The release's author as recorded on its `shipline` check run when the pipeline started. */
export function releaseAuthor(snapshot: Snapshot): string | undefined {
  const m = /<!-- shipline:release (\{[^\n]*?\}) -->/.exec(releaseCheck(snapshot)?.summary ?? "");
  if (!m) return undefined;
  try {
    const author = (JSON.parse(m[1]!) as { author?: unknown }).author;
    return typeof author === "string" && author ? author : undefined;
  } catch {
    return undefined;
  }
}
