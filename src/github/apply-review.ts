import type { Effect } from "../pipeline/types.js";
import type { GitHubGateway } from "./gateway.js";
import type { ProtectionGateway } from "./protection.js";

/**
 * Carries out a protection-rule decision (pipeline/protection-review.ts) in order: the review answers the
 * waiting deploy job, check-run updates show it on the stage. It writes nothing of its own.
 */
export async function applyReview(
  protection: ProtectionGateway,
  gw: GitHubGateway,
  effects: readonly Effect[],
): Promise<void> {
  for (const effect of effects) {
    if (effect.kind === "review")
      await protection.review(effect.runId, effect.environment, effect.state, effect.comment);
    else if (effect.kind === "update-check") await gw.updateCheck(effect.id, effect);
    else throw new Error(`a protection review does not carry out ${effect.kind} effects`);
  }
}
