// A real Probot running Shipline's handlers with Shipline's production retry/throttling policy
// (src/app/octokit.ts), only faster: backoff and retry-after seconds last 1 ms, and the throttling plugin's
// write limiters (1 s between writes, 3 s between comments in production) are replaced by unspaced ones.
import Bottleneck from "bottleneck";
import { Probot } from "probot";
import type { AppDeps } from "../../src/app/deps.js";
import { appMain } from "../../src/app/main.js";
import { type ReliabilityTuning, shiplineOctokit } from "../../src/app/octokit.js";
import { APP_ID, privateKey } from "../support/probot.js";

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
  const probot = new Probot({
    appId: APP_ID,
    privateKey: privateKey(),
    Octokit: shiplineOctokit({ ...FAST, ...tuning, throttle: { ...unspaced(), ...tuning.throttle } }),
    logLevel: "warn",
  });
  probot.load((app) =>
    appMain(app, {
      now: () => new Date("2026-11-20T10:00:00Z"),
      fetch: globalThis.fetch,
      env: { APP_ID: String(APP_ID) },
      dispatchLookupsMs: [20, 40, 80],
      ...deps,
    }),
  );
  return probot;
}
