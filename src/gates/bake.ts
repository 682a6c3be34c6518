import { parseDuration } from "../config/duration.js";
import type { GateContext, GateResult } from "./types.js";
import { formatUtc } from "./zoned-time.js";

/**
 * The previous stage must have been live for its bake time (a traffic cycle) before this one starts. The bake is
 * judged from GitHub's records, not trusted from a job: the previous stage's check run records when it went live
 * (`baking {since}`, written by the App when its rollout succeeded), and the gate opens once since + bake has
 * passed and the stage completed with success (every verification round of the bake passed).
 */
export function bakeGate(ctx: GateContext): GateResult {
  const index = ctx.pipeline.stages.findIndex((s) => s.name === ctx.stage.name);
  const previous = index > 0 ? ctx.pipeline.stages[index - 1] : undefined;
  if (!previous)
    return { gate: "bake", ok: true, reason: `${ctx.stage.name} has no previous stage to bake.` };
  const bakeMs = previous.bake ? parseDuration(previous.bake) : undefined;
  if (!bakeMs) return { gate: "bake", ok: true, reason: `${previous.name} has no bake time.` };
  const state = ctx.stages.find((s) => s.name === previous.name);
  const since = state?.bakingSince;
  const ends = since ? new Date(since.getTime() + bakeMs) : undefined;
  if (state?.conclusion !== "success" || !state.completedAt) {
    if (since && ends) {
      return {
        gate: "bake",
        ok: false,
        reason: `${previous.name} is baking ${ctx.release.tag}: live since ${formatUtc(since)}, ${previous.bake} until ${formatUtc(ends)}.`,
        next: `Shipline ends the bake by itself once ${previous.bake} has passed and every verification round passed.`,
        ...(ends.getTime() > ctx.now.getTime() ? { until: ends } : {}),
      };
    }
    return {
      gate: "bake",
      ok: false,
      reason: `${previous.name} has not finished for ${ctx.release.tag}, so its ${previous.bake} bake has not started.`,
      next: `Wait for ${previous.name} to finish and bake for ${previous.bake}.`,
    };
  }
  if (since && ends) {
    if (ends.getTime() > ctx.now.getTime())
      return {
        gate: "bake",
        ok: false,
        reason: `${previous.name} went live at ${formatUtc(since)}: its ${previous.bake} bake ends at ${formatUtc(ends)}.`,
        until: ends,
      };
    return {
      gate: "bake",
      ok: true,
      reason: `${previous.name} went live at ${formatUtc(since)} and baked ${previous.bake} (until ${formatUtc(ends)}), every round passed.`,
    };
  }
  // No bake record: the stage baked inside its deploy job (an Action-only setup, `clearance: off`, or a release
  // deployed before the App kept bakes), and that job succeeded only after the bake.
  return {
    gate: "bake",
    ok: true,
    reason: `${previous.name} baked for ${previous.bake} in its deploy job and succeeded at ${formatUtc(state.completedAt)}.`,
  };
}
