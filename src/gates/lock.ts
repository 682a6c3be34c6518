import { sameLogin } from "./text.js";
import type { GateContext, GateResult } from "./types.js";
import { formatUtc } from "./zoned-time.js";

/** An environment locked with /lock rejects every deploy except its owner's until it is unlocked or expires. */
export function lockGate(ctx: GateContext): GateResult {
  const lock = ctx.lock;
  const env = ctx.stage.environment;
  if (!lock || lock.environment !== env) return { gate: "lock", ok: true, reason: `${env} is not locked.` };
  const expiry = lock.expiresAt ? ` until ${formatUtc(lock.expiresAt)}` : "";
  if (lock.expiresAt && lock.expiresAt.getTime() <= ctx.now.getTime()) {
    return {
      gate: "lock",
      ok: true,
      reason: `The lock by @${lock.owner} expired at ${formatUtc(lock.expiresAt)}.`,
    };
  }
  if (sameLogin(lock.owner, ctx.triggeredBy)) {
    return {
      gate: "lock",
      ok: true,
      reason: `${env} is locked by @${lock.owner}${expiry}, who triggered this deploy.`,
      next: `Comment /unlock ${env} when you are done.`,
    };
  }
  return {
    gate: "lock",
    ok: false,
    reason: `${env} is locked by @${lock.owner}${expiry}: ${lock.reason || "no reason given"}.`,
    next: `Ask @${lock.owner}, or comment /unlock ${env} once it is safe, then try again.`,
    ...(lock.expiresAt ? { until: lock.expiresAt } : {}),
  };
}
