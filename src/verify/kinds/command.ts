import type { Measurement, TestReport } from "../types.js";
import { describeTests } from "./junit.js";

/** How a test command ended, as the command provider saw it. */
export interface CommandRun {
  /** Exit code; null when the command was killed or could not start. */
  exitCode: number | null;
  signal?: string;
  /** True when it was stopped at its time limit. */
  timedOut: boolean;
  /** The command could not be started at all (no shell, no working directory). */
  startError?: string;
  /** The time limit, as written in the config (for messages). */
  timeout: string;
  /** The JUnit report, when the check names one. */
  tests?: TestReport;
  /** Where the JUnit report was looked for (for messages). */
  junitPath?: string;
}

/**
 * command: pass or fail by the exit code. A command stopped at its time limit failed (a test suite that hangs
 * against the deployed stage is a finding, as an unreachable host is for smoke); one that could not start is
 * an error. The JUnit report, when there is one, adds its counts and first failures; the charted value is the
 * number of failed and errored tests (or 1/0 by exit code without a report).
 */
export function commandMeasurement(run: CommandRun): Measurement {
  const tests = run.tests;
  const withTests = (m: Measurement): Measurement => (tests ? { ...m, tests } : m);
  if (run.startError !== undefined)
    return withTests({ phase: "Error", message: `the test command could not start: ${run.startError}` });
  const counted = tests && !tests.problem ? tests : undefined;
  const failing = counted ? counted.failures + counted.errors : undefined;
  const testsNote = counted
    ? `; ${describeTests(counted)}${counted.firstFailures.length ? `; first failure: ${counted.firstFailures[0]!.name}: ${counted.firstFailures[0]!.message}` : ""}`
    : tests?.problem
      ? `; JUnit report ${run.junitPath ?? ""}: ${tests.problem}`
      : "";
  if (run.timedOut)
    return withTests({
      phase: "Failed",
      value: failing ?? 1,
      message: `the test command did not finish within ${run.timeout} and was stopped with everything it started${testsNote}`,
    });
  if (run.exitCode === 0) {
    const mismatch =
      failing && failing > 0
        ? " (the exit code decides: the command exited 0 although its report lists failures)"
        : "";
    return withTests({
      phase: "Successful",
      value: failing ?? 0,
      message: `the test command exited 0${testsNote}${mismatch}`,
    });
  }
  const how =
    run.exitCode === null ? `was killed by ${run.signal ?? "a signal"}` : `exited with code ${run.exitCode}`;
  return withTests({ phase: "Failed", value: failing ?? 1, message: `the test command ${how}${testsNote}` });
}
