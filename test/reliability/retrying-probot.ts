// A real Probot running Shipline's handlers with Shipline's production retry/throttling policy
// (src/app/octokit.ts), only faster: backoff and retry-after seconds last 1 ms, and the throttling plugin's
// write limiters (1 s between writes, 3 s between comments in production) are replaced by unspaced ones.
import Bottleneck from "bottleneck";
import type { Probot } from "probot";
import type { AppDeps } from "../../src/app/deps.js";
import { type ReliabilityTuning, shiplineOctokit } from "../../src/app/octokit.js";
import { probotWith } from "../support/probot.js";

export const unspaced = () => ({
  write: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
  notifications: new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 }),
});

export const FAST: ReliabilityTuning = {
  backoffMs: 1,
  rateLimitUnitMs: 1,
  timeoutMs: 1_000,
  throttle: unspaced(),
};

export function retryingProbot(tuning: ReliabilityTuning = FAST, deps: Partial<AppDeps> = {}): Probot {
  return probotWith(
    shiplineOctokit({ ...FAST, ...tuning, throttle: { ...unspaced(), ...tuning.throttle } }),
    deps,
  );
}
