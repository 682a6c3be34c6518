import { readFile, rm } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { parseDuration } from "../../config/duration.js";
import type { CommandCheck } from "../../config/schema/checks.js";
import { type CommandRun, commandMeasurement } from "../kinds/command.js";
import { parseJUnit } from "../kinds/junit.js";
import type { Target } from "../sources.js";
import type { Measurement } from "../types.js";
import { runInGroup } from "./process-group.js";

const MAX_JUNIT_BYTES = 20 * 1024 * 1024;

/** Where test commands run: the deploy job's workspace, its environment, its log. */
export interface CommandDeps {
  cwd: string;
  /** The job's environment; INPUT_* variables (the Action's inputs, the token among them) are removed. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface CommandCall {
  check: string;
  spec: CommandCheck;
  stage: string;
  environment: string;
  version: string;
  targets: readonly Target[];
  round: number;
}

/** The variables a test command gets; values travel only in the environment, never in the command text. */
export function testVariables(call: CommandCall): Record<string, string> {
  return {
    SHIPLINE_CHECK: call.check,
    SHIPLINE_ROUND: String(call.round),
    SHIPLINE_STAGE: call.stage,
    SHIPLINE_ENVIRONMENT: call.environment,
    SHIPLINE_VERSION: call.version,
    SHIPLINE_TARGETS: call.targets.map((t) => t.name).join("\n"),
    SHIPLINE_REGIONS: [...new Set(call.targets.map((t) => t.region))].join("\n"),
  };
}

function withoutInputs(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith("INPUT_")) out[k] = v;
  return out;
}

/**
 * Runs a command check once: `sh -c <run>` in the workspace, in its own process group, output into the job
 * log line by line (prefixed with the check's name), then reads the JUnit report when the check names one.
 * The report file is removed before the run, so a report left by an earlier round is never counted.
 */
export async function runCommandCheck(deps: CommandDeps, call: CommandCall): Promise<Measurement> {
  const { spec } = call;
  const timeoutMs = parseDuration(spec.timeout ?? "15m") ?? 15 * 60_000;
  const junitPath = spec.junit
    ? isAbsolute(spec.junit)
      ? spec.junit
      : resolve(deps.cwd, spec.junit)
    : undefined;
  if (junitPath) await rm(junitPath, { force: true });
  const prefix = `[${call.check}] `;
  deps.log(`${prefix}running the test command (time limit ${spec.timeout ?? "15m"})`);
  const result = await runInGroup(spec.run, {
    cwd: deps.cwd,
    env: { ...withoutInputs(deps.env), ...testVariables(call) },
    timeoutMs,
    log: (line) => deps.log(prefix + line),
  });
  const run: CommandRun = {
    exitCode: result.exitCode,
    ...(result.signal ? { signal: result.signal } : {}),
    timedOut: result.timedOut,
    ...(result.startError !== undefined ? { startError: result.startError } : {}),
    timeout: spec.timeout ?? "15m",
  };
  if (junitPath && spec.junit) {
    run.junitPath = spec.junit;
    try {
      const text = await readFile(junitPath, "utf8");
      run.tests =
        text.length > MAX_JUNIT_BYTES
          ? { tests: 0, failures: 0, errors: 0, skipped: 0, firstFailures: [], problem: "larger than 20 MB" }
          : parseJUnit(text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      run.tests = {
        tests: 0,
        failures: 0,
        errors: 0,
        skipped: 0,
        firstFailures: [],
        problem: code === "ENOENT" ? "the command wrote no report there" : (error as Error).message,
      };
    }
  }
  const measurement = commandMeasurement(run);
  deps.log(`${prefix}${measurement.phase}: ${measurement.message}`);
  return measurement;
}
