import { formatDuration, parseDuration } from "../config/duration.js";
import type { GateContext, GateResult } from "./types.js";
import { formatUtc } from "./zoned-time.js";

/** The previous stage must have been live for its bake time (a traffic cycle) before this one starts. */
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
  const live = ctx.now.getTime() - state.completedAt.getTime();
  if (live >= bakeMs) {
    return {
      gate: "bake",
      ok: true,
      reason: `${previous.name} has been live for ${formatDuration(live)} (bake ${previous.bake}).`,
    };
  }
  const until = new Date(state.completedAt.getTime() + bakeMs);
  return {
    gate: "bake",
    ok: false,
    reason: `${previous.name} has been live for ${formatDuration(Math.max(live, 0))} of its ${previous.bake} bake time.`,
    next: `Promote after ${formatUtc(until)} (in ${formatDuration(bakeMs - live)}); a recorded /hotfix skips bake times.`,
    until,
  };
}
