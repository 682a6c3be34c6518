import type { GateContext, GateResult } from "./types.js";

/**
 * Rollouts to one environment never overlap: the deploy workflow's concurrency group queues a second job for
 * the same environment, and this gate is the App's own check behind it (a workflow edited without the group,
 * or a second pipeline deploying to the same environment, still cannot run two rollouts at once).
 */
export function overlapGate(ctx: GateContext): GateResult {
  const env = ctx.stage.environment;
  const busy = (ctx.activeRollouts ?? []).find((r) => r.environment === env);
  if (!busy) return { gate: "overlap", ok: true, reason: `No other rollout is running in ${env}.` };
  return {
    gate: "overlap",
    ok: false,
    reason: `${busy.release} is still deploying to ${env} (stage ${busy.stage}${busy.url ? `, ${busy.url}` : ""}).`,
    next: `Wait for it to finish, then comment /retry (or /deploy ${ctx.release.tag} to ${ctx.stage.name}).`,
  };
}
