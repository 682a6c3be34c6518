import { describeConclusion, isFailed } from "./text.js";
import type { GateContext, GateResult } from "./types.js";

/**
 * The previous stage must have succeeded for this same release: no skipping. A recorded hotfix may go ahead
 * while the previous stage has not run or has not finished, and says so; a previous stage that FAILED for this
 * release still blocks, because a hotfix never skips validations.
 */
export function orderGate(ctx: GateContext): GateResult {
  const index = ctx.pipeline.stages.findIndex((s) => s.name === ctx.stage.name);
  const tag = ctx.release.tag;
  if (index <= 0) {
    return { gate: "order", ok: true, reason: `${ctx.stage.name} is the first stage of the pipeline.` };
  }
  const previous = ctx.pipeline.stages[index - 1]!.name;
  const state = ctx.stages.find((s) => s.name === previous);
  if (state?.conclusion === "success") {
    return { gate: "order", ok: true, reason: `${previous} succeeded for ${tag}.` };
  }
  if (state && isFailed(state.conclusion)) {
    return {
      gate: "order",
      ok: false,
      reason: `${previous} ${describeConclusion(state.conclusion)} for ${tag}; stages run in order and a failed stage is never skipped, not even by a hotfix.`,
      next: `Fix the problem and publish a new release, or re-run ${previous} for ${tag} with /deploy ${tag} to ${previous}.`,
    };
  }
  const status = state ? describeConclusion(state.conclusion) : "has not run";
  if (ctx.hotfix) {
    return {
      gate: "order",
      ok: true,
      reason: `${previous} ${status} for ${tag}, but this is a hotfix recorded by @${ctx.hotfix.by}: "${ctx.hotfix.reason}".`,
      next: `The deploy is marked as a hotfix everywhere; prefer /rollback next time.`,
    };
  }
  return {
    gate: "order",
    ok: false,
    reason: `${previous} ${status} for ${tag}; stages run in order (${ctx.pipeline.stages.map((s) => s.name).join(" -> ")}).`,
    next: state
      ? `Wait for ${previous} to finish, then promote with /promote.`
      : `Deploy ${tag} to ${previous} first: /deploy ${tag} to ${previous}. For a severe outage, /hotfix ${tag} to ${ctx.stage.name} -- reason.`,
  };
}
