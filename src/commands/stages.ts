import type { Pipeline, ResolvedStage } from "../config/types.js";
import { claimRef, stageCheckName } from "../pipeline/identity.js";
import { dispatchEffect } from "../pipeline/published.js";
import { findCheck, type StagePhase, type StageView } from "../pipeline/state.js";
import { pipelineMarkdown } from "../pipeline/summary.js";
import type { Effect } from "../pipeline/types.js";
import { hasRecord } from "../records/codec.js";
import type { CommandCheck, CommandDraft, CommandFacts } from "./spec.js";

/** What several commands share: refusing, resolving stages, starting one, appending records to a check run. */

export function refuse(reply: string): CommandDraft {
  return { effects: [], reply, outcome: "refused" };
}

/** Lines to append to the release's `shipline` check run (carried through `releaseNotes`). */
export function notes(...lines: string[]): { releaseNotes: string[] } {
  return { releaseNotes: lines };
}

export function namedStage(pipeline: Pipeline, name: string | undefined): ResolvedStage | undefined {
  return name ? pipeline.stages.find((s) => s.name === name) : undefined;
}

/** The pipeline's diagram and table as the command leaves it (phases overridden by `changed`). */
export function overview<C>(facts: CommandFacts<C>, changed?: ReadonlyMap<string, StagePhase>): string {
  const phases = new Map<string, StagePhase>(facts.views.map((v) => [v.stage.name, v.phase]));
  for (const [stage, phase] of changed ?? []) phases.set(stage, phase);
  return pipelineMarkdown(facts.pipeline, facts.snapshot!.release, phases);
}

/** A fresh queued check run for the stage and its dispatch, claimed once per comment; or why not. */
export function startStage<C>(
  facts: CommandFacts<C>,
  stage: ResolvedStage,
  how: { title: string; note: string; reason?: string },
): Effect[] | string {
  const tag = facts.snapshot!.release.tag;
  const view = facts.views.find((v) => v.stage.name === stage.name)!;
  if (view.phase === "dispatched" || view.phase === "running")
    return `${stage.name} is already deploying ${tag}.`;
  const summary = `${overview(facts, new Map([[stage.name, "dispatched"]]))}\n\n${how.note}`;
  const dispatch = dispatchEffect(facts.pipeline, tag, view.index, summary);
  if (dispatch.kind !== "dispatch") throw new Error("dispatchEffect returned no dispatch");
  return [
    { kind: "create-check", name: stageCheckName(stage.name), status: "queued", title: how.title, summary },
    {
      ...dispatch,
      claim: claimRef(tag, stage.name, "rollout", facts.key),
      ...(how.reason ? { inputs: { ...dispatch.inputs, reason: how.reason } } : {}),
    },
  ];
}

/** The first stage that has not started while the one before it succeeded (or the first stage). */
export function waitingStage(views: StageView[]): StageView | undefined {
  return views.find((v, i) => v.phase === "pending" && (i === 0 || views[i - 1]!.phase === "succeeded"));
}

/** The stage whose deploy job waits for approvals (the protection rule marks it), else the next one to start. */
export function awaitingApproval(views: StageView[]): StageView | undefined {
  const open = views.filter((v) => v.check?.status !== "completed");
  return (
    open.find((v) => hasRecord("awaiting-approval", v.check?.summary)) ??
    views.find(
      (v, i) =>
        (v.phase === "pending" || v.phase === "dispatched") &&
        (i === 0 || views[i - 1]!.phase === "succeeded"),
    )
  );
}

export function whyNotStartable(view: StageView, views: StageView[]): string | undefined {
  if (view.phase !== "pending") return `${view.stage.name} is ${view.phase}, not waiting to start.`;
  const before = views[view.index - 1];
  if (before && before.phase !== "succeeded")
    return `${before.stage.name} has not succeeded yet (${before.phase}); stages run in order.`;
  return undefined;
}

export function describeStages(views: StageView[]): string {
  return views.map((v) => `${v.stage.name}: ${v.phase}`).join(", ");
}

/** The newest check run of a stage in the facts' snapshot. */
export function stageCheck<C>(facts: CommandFacts<C>, stage: string): CommandCheck | undefined {
  return facts.snapshot
    ? (findCheck(facts.snapshot, stageCheckName(stage)) as CommandCheck | undefined)
    : undefined;
}

/** Where the protection rule keeps its gate table: it rewrites everything from here, so records go above it. */
const GATES_SECTION = "\n\n### Gates";

/** Appends a line (a record) to a check run's summary, above its gate table, leaving everything else as it is. */
export function appendTo(check: CommandCheck, line: string): Effect {
  const current = check.summary ?? "";
  const at = current.indexOf(GATES_SECTION);
  const summary = at < 0 ? `${current}\n${line}` : `${current.slice(0, at)}\n${line}${current.slice(at)}`;
  return {
    kind: "update-check",
    id: check.id,
    name: check.name,
    status: check.status,
    ...(check.status === "completed" && check.conclusion ? { conclusion: check.conclusion } : {}),
    title: check.title ?? check.name,
    summary,
  };
}
