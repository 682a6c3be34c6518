/**
 * Run state over rounds, with the semantics of Argo Rollouts' AnalysisRun (argoproj/argo-rollouts,
 * docs/features/analysis.md; utils/analysis): each measurement is Successful, Failed, Inconclusive or Error;
 * a metric fails when its Failed measurements exceed `failure-limit`, becomes Inconclusive when its
 * Inconclusive measurements exceed `inconclusive-limit`, and errors when more than `consecutive-error-limit`
 * Error measurements come in a row (a Successful, Failed or Inconclusive one resets the run of errors).
 * The run's phase is its worst metric's, ranked Failed > Error > Inconclusive > Successful.
 *
 * Two deliberate differences: missing data is never a silent pass (the check's `missing-data` policy turns
 * it into Failed, Inconclusive, or an explicitly labelled Successful), and at the end of the bake a check
 * that never produced one non-Error measurement is an error, where Argo would call it Successful.
 * Pure.
 */
import type { Check } from "../config/schema/checks.js";
import type { Measurement, Outcome, Phase, Round } from "./types.js";

export interface Limits {
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
}

export function limitsOf(check: Check): Limits {
  return {
    failureLimit: check["failure-limit"] ?? 0,
    inconclusiveLimit: check["inconclusive-limit"] ?? 0,
    consecutiveErrorLimit: check["consecutive-error-limit"] ?? 4,
  };
}

/** The limits of several checks judged as one (the stage's canary score): the strictest of each. */
export function strictest(limits: readonly Limits[]): Limits {
  return {
    failureLimit: Math.min(...limits.map((l) => l.failureLimit)),
    inconclusiveLimit: Math.min(...limits.map((l) => l.inconclusiveLimit)),
    consecutiveErrorLimit: Math.min(...limits.map((l) => l.consecutiveErrorLimit)),
  };
}

/** Applies a check's `missing-data` policy to a measurement that found no data. */
export function applyMissingData(m: Measurement, policy: "fail" | "inconclusive" | "pass"): Measurement {
  if (!m.noData) return m;
  const phase: Phase = policy === "fail" ? "Failed" : policy === "pass" ? "Successful" : "Inconclusive";
  const note =
    policy === "pass"
      ? "no data, counted as a pass because missing-data is pass"
      : `no data (missing-data: ${policy})`;
  return { ...m, phase, message: `${note}: ${m.message}` };
}

export interface CheckState {
  name: string;
  phase: Phase | "Running";
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  errors: number;
  consecutiveErrors: number;
  /** Why the check has its phase (the limit hit and the last deciding message). */
  reason: string;
}

export interface AnalysisState {
  outcome: Outcome | "running";
  reason: string;
  checks: CheckState[];
}

const HUMAN = "A human decides: comment /promote to continue or /rollback to roll back.";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function assessCheck(name: string, limits: Limits, rounds: readonly Round[], complete: boolean): CheckState {
  const state: CheckState = {
    name,
    phase: "Running",
    measurements: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    errors: 0,
    consecutiveErrors: 0,
    reason: "",
  };
  let lastFailed = "";
  let lastInconclusive = "";
  let lastError = "";
  for (const round of rounds) {
    const result = round.results.find((r) => r.name === name);
    if (!result) continue;
    const m = result.measurement;
    state.measurements++;
    if (m.phase === "Error") {
      state.errors++;
      state.consecutiveErrors++;
      lastError = `round ${round.index}: ${m.message}`;
      continue;
    }
    state.consecutiveErrors = 0;
    if (m.phase === "Successful") state.successful++;
    if (m.phase === "Failed") {
      state.failed++;
      lastFailed = `round ${round.index}: ${m.message}`;
    }
    if (m.phase === "Inconclusive") {
      state.inconclusive++;
      lastInconclusive = `round ${round.index}: ${m.message}`;
    }
  }
  if (state.failed > limits.failureLimit) {
    state.phase = "Failed";
    state.reason = `${plural(state.failed, "failed measurement")} (failure-limit ${limits.failureLimit}); ${lastFailed}`;
  } else if (state.consecutiveErrors > limits.consecutiveErrorLimit) {
    state.phase = "Error";
    state.reason = `${plural(state.consecutiveErrors, "error")} in a row (consecutive-error-limit ${limits.consecutiveErrorLimit}); ${lastError}`;
  } else if (state.inconclusive > limits.inconclusiveLimit) {
    state.phase = "Inconclusive";
    state.reason = `${plural(state.inconclusive, "inconclusive measurement")} (inconclusive-limit ${limits.inconclusiveLimit}); ${lastInconclusive}`;
  } else if (complete) {
    if (state.measurements > 0 && state.successful + state.failed + state.inconclusive === 0) {
      state.phase = "Error";
      state.reason = `never measured: ${plural(state.errors, "error")}; ${lastError}`;
    } else if (state.measurements === 0) {
      state.phase = "Error";
      state.reason = "never measured";
    } else {
      state.phase = "Successful";
      state.reason = `${state.successful}/${plural(state.measurements, "measurement")} successful`;
    }
  } else {
    state.reason = `${state.successful}/${plural(state.measurements, "measurement")} successful so far`;
  }
  return state;
}

/**
 * The state of a stage's verification after `rounds`. `complete` is true once the bake time is over (or
 * for a single-round verification): only then can a run with no limit hit pass.
 */
export function analyse(
  checks: readonly { name: string; limits: Limits }[],
  rounds: readonly Round[],
  complete: boolean,
): AnalysisState {
  const states = checks.map((c) => assessCheck(c.name, c.limits, rounds, complete));
  if (states.length === 0)
    return { outcome: complete ? "passed" : "running", reason: "no checks to run", checks: [] };
  const order: CheckState["phase"][] = ["Failed", "Error", "Inconclusive", "Running", "Successful"];
  const worst = order.find((phase) => states.some((s) => s.phase === phase)) ?? "Successful";
  const deciding = states.filter((s) => s.phase === worst);
  const why = deciding.map((s) => `${s.name}: ${s.reason}`).join("\n");
  switch (worst) {
    case "Failed":
      return { outcome: "failed", reason: `Verification failed.\n${why}`, checks: states };
    case "Error":
      return { outcome: "error", reason: `Verification could not measure.\n${why}`, checks: states };
    case "Inconclusive":
      return {
        outcome: "inconclusive",
        reason: `Verification inconclusive.\n${why}\n${HUMAN}`,
        checks: states,
      };
    case "Running":
      return {
        outcome: "running",
        reason: `Verifying: ${plural(rounds.length, "round")} so far.`,
        checks: states,
      };
    case "Successful": {
      const assumed = [
        ...new Set(
          rounds.flatMap((r) =>
            r.results
              .filter((c) => c.measurement.noData && c.measurement.phase === "Successful")
              .map((c) => c.name),
          ),
        ),
      ];
      const note = assumed.length
        ? `\nNote: ${assumed.join(", ")} had no data in some rounds, counted as passing because missing-data is pass.`
        : "";
      return {
        outcome: "passed",
        reason: `Verification passed: ${plural(rounds.length, "round")}, every check within its limits.${note}`,
        checks: states,
      };
    }
  }
}
