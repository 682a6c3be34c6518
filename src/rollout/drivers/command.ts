import { parseDuration } from "../../config/duration.js";
import type { Target } from "../plan.js";
import { runProcess } from "../process.js";
import type { ReleaseSource } from "../source.js";
import type { DeployContext, DeployResult, TargetDriver } from "./types.js";

export interface CommandDriverOptions {
  run: string;
  rollback?: string;
  per: "target" | "batch";
  timeout: string;
  /** Working directory of the command (the workspace). */
  cwd: string;
  source: ReleaseSource;
  /** The release the environment ran before this one: what a failed rollout is rolled back to. */
  previous: ReleaseSource | null;
  /** The environment the command inherits; INPUT_* (the Action's inputs, the token among them) are removed. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/**
 * Runs `sh -c <command>` with values only in the environment, never in the command text, in its own process
 * group: the time limit stops everything the command started, and background children never hold the deploy.
 */
export function runCommand(
  command: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
  log: (line: string) => void,
  label = "deploy",
): Promise<void> {
  return runProcess(command, {
    env,
    cwd,
    timeoutMs,
    log,
    label,
    what: "the deploy command",
    limitName: "driver.timeout",
  });
}

function childEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith("INPUT_")) out[k] = v;
  return out;
}

/** The SHIPLINE_* variables a deploy command receives. */
export function commandVariables(
  targets: readonly Target[],
  context: DeployContext,
  release: { version: string; digest: string; files: readonly { path: string }[] },
  previousVersion: string | null,
): Record<string, string> {
  const first = targets[0];
  return {
    SHIPLINE_MODE: context.mode,
    SHIPLINE_STAGE: context.stage,
    SHIPLINE_ENVIRONMENT: context.environment,
    SHIPLINE_VERSION: release.version,
    SHIPLINE_DIGEST: release.digest,
    SHIPLINE_PREVIOUS_VERSION: previousVersion ?? "",
    SHIPLINE_ARTIFACT: release.files[0]?.path ?? "",
    SHIPLINE_ARTIFACTS: release.files.map((f) => f.path).join("\n"),
    SHIPLINE_TARGET: targets.length === 1 && first ? first.name : "",
    SHIPLINE_REGION: targets.length === 1 && first ? first.region : "",
    SHIPLINE_TARGETS: targets.map((t) => t.name).join("\n"),
    SHIPLINE_REGIONS: [...new Set(targets.map((t) => t.region))].join("\n"),
    SHIPLINE_WAVE: String(context.wave.index),
    SHIPLINE_WAVE_LABEL: context.wave.label,
  };
}

/** Runs the user's deploy command per target (or once per wave with `per: batch`). */
export function commandDriver(options: CommandDriverOptions): TargetDriver<ReleaseSource | null> {
  const timeoutMs = parseDuration(options.timeout) ?? DEFAULT_TIMEOUT_MS;
  const base = childEnv(options.env);
  const label = (targets: readonly Target[]) =>
    targets.length === 1 ? targets[0]!.name : `wave of ${targets.length} targets`;
  const invoke = async (
    command: string,
    source: ReleaseSource,
    previous: ReleaseSource | null,
    targets: readonly Target[],
    context: DeployContext,
  ) => {
    const release = await source.artifacts();
    const vars = commandVariables(targets, context, release, previous?.version ?? null);
    const prefix = `[${label(targets)}] `;
    await runCommand(
      command,
      { ...base, ...vars },
      options.cwd,
      timeoutMs,
      (line) => options.log(prefix + line),
      targets.length === 1 ? `target ${label(targets)}` : label(targets),
    );
  };
  return {
    kind: "command",
    perBatch: options.per === "batch",
    before: async () => options.previous,
    async deploy(targets, context): Promise<DeployResult> {
      const command = context.mode === "rollback" ? (options.rollback ?? options.run) : options.run;
      await invoke(command, options.source, options.previous, targets, context);
      return {
        changed: true,
        detail: `${label(targets)}: ${context.mode} of ${options.source.version} done`,
      };
    },
    async restore(targets, previous, context): Promise<string> {
      if (!previous)
        throw new Error(
          `${label(targets)}: no previous release of ${context.environment} is known to roll back to`,
        );
      await invoke(options.rollback ?? options.run, previous, options.source, targets, {
        ...context,
        mode: "rollback",
      });
      return `${label(targets)}: rolled back to ${previous.version}`;
    },
  };
}
