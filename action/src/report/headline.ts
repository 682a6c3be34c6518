import { VERIFY_INCONCLUSIVE } from "../../../src/verify/outcome.js";
import type { ModeResult } from "../context.js";

/** The first line of a rollout's job summary: `## Shipline rollout of <release> to <stage>: <outcome>`. */
const HEADLINE = /^(## Shipline rollout of .+ to .+?): succeeded$/m;

/**
 * One job summary for a rollout and the verification that followed it, whose headline tells the job's real
 * outcome: a rollout whose verification failed did not succeed, whatever its waves did.
 */
export function rolloutThenVerified(deployed: ModeResult, verified: ModeResult): string {
  const outcome = verified.ok
    ? "succeeded and passed verification"
    : verified.failureTitle === VERIFY_INCONCLUSIVE
      ? "rolled out, verification inconclusive"
      : "rolled out, but verification failed";
  const head = (deployed.summary ?? "").replace(HEADLINE, `$1: ${outcome}`);
  return [head, verified.summary].filter(Boolean).join("\n\n");
}
