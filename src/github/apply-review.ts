import type { Effect } from "../pipeline/types.js";
import { type ApplyTiming, applyDecision, type Commit, type Log } from "./apply.js";
import type { GitHubGateway } from "./gateway.js";
import type { ProtectionGateway } from "./protection.js";

/** A protection review claims, creates and dispatches nothing: no commit, clock or waits are needed for it. */
const NO_COMMIT: Commit = { release: { sha: "" }, checkRuns: [] };
const NO_WAITS: ApplyTiming = {
  now: () => {
    throw new Error("a protection review dispatches nothing");
  },
  sleep: async () => {},
  lookups: [],
};
const SILENT: Log = { info() {}, warn() {}, error() {} };

/**
 * Carries out a protection-rule decision (pipeline/protection-review.ts) as every decision is carried out
 * (`applyDecision`, whose `review` effect answers the waiting deploy job): in order, the review, then the check-run
 * updates that show it on the stage. It writes nothing of its own, and refuses any other kind of effect.
 */
export async function applyReview(
  protection: ProtectionGateway,
  gw: GitHubGateway,
  effects: readonly Effect[],
  log: Log = SILENT,
): Promise<void> {
  const other = effects.find((e) => e.kind !== "review" && e.kind !== "update-check");
  if (other) throw new Error(`a protection review does not carry out ${other.kind} effects`);
  await applyDecision(
    gw,
    NO_COMMIT,
    { effects: [...effects], reason: "protection review" },
    log,
    undefined,
    NO_WAITS,
    {
      protection,
    },
  );
}
