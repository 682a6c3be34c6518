import { parseDuration } from "../config/duration.js";
import type { GateContext, GateResult } from "./types.js";
import { formatUtc } from "./zoned-time.js";

/**
 * The previous stage must have been live for its bake time (a traffic cycle) before this one starts. The
 * previous stage's deploy job bakes (verifies for the bake time) before it succeeds, so the gate holds a
 * stage until the previous one has succeeded with its bake done.
 */
export function bakeGate(ctx: GateContext): GateResult {
  const index = ctx.pipeline.stages.findIndex((s) => s.name === ctx.stage.name);
  const previous = index > 0 ? ctx.pipeline.stages[index - 1] : undefined;
  if (!previous)
    return { gate: "bake", ok: true, reason: `${ctx.stage.name} has no previous stage to bake.` };
  const bakeMs = previous.bake ? parseDuration(previous.bake) : undefined;
  if (!bakeMs) return { gate: "bake", ok: true, reason: `${previous.name} has no bake time.` };
  const state = ctx.stages.find((s) => s.name === previous.name);
  if (state?.conclusion !== "success" || !state.completedAt) {
    return {
      gate: "bake",
      ok: false,
      reason: `${previous.name} has not finished for ${ctx.release.tag}, so its ${previous.bake} bake has not started.`,
      next: `Wait for ${previous.name} to finish and bake for ${previous.bake}.`,
    };
  }
  // The bake happens inside the previous stage's deploy job: the Action keeps verifying the stage for its bake
  // time (every `interval`) and the job succeeds only after that (docs/verification.md). A stage that
  // succeeded has therefore been live for its whole bake time; measuring it again from the job's end would
  // hold every promotion for a second traffic cycle.
  return {
    gate: "bake",
    ok: true,
    reason: `${previous.name} baked for ${previous.bake} in its deploy job and succeeded at ${formatUtc(state.completedAt)}.`,
  };
}
