import type { DeployContext, RunMode, TargetDriver } from "./drivers/types.js";
import { forEachLimited } from "./limit.js";
import type { Target, Wave } from "./plan.js";

export type TargetStatus = "deployed" | "unchanged" | "failed" | "rolled back" | "rollback failed";

export interface TargetReport {
  target: Target;
  status: TargetStatus;
  detail: string;
  ms: number;
}

export interface WaveReport {
  wave: Wave;
  status: "succeeded" | "failed" | "not started";
  targets: TargetReport[];
  startedAt?: number;
  ms: number;
}

export interface RunReport {
  ok: boolean;
  waves: WaveReport[];
  /** Targets this run changed (or tried to), in the order they were touched. */
  touched: Target[];
  /** Outcome of putting touched targets back after a failed wave. */
  restored: TargetReport[];
  error?: string;
}

export interface RunOptions<Before> {
  waves: readonly Wave[];
  driver: TargetDriver<Before>;
  concurrency: number;
  mode: RunMode;
  stage: string;
  environment: string;
  /** Put touched targets back when a wave fails (rollouts); a rollback that fails is not rolled back. */
  restoreOnFailure: boolean;
  clock?: () => number;
  onWaveStart?: (wave: Wave) => void;
  onTarget?: (report: TargetReport, wave: Wave) => void;
  onWaveEnd?: (report: WaveReport) => void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface Touched<Before> {
  unit: Target[];
  before: Before;
  wave: Wave;
}

/**
 * Runs the waves in order, each with at most `concurrency` deploys at once. The first failure stops the wave
 * from starting more targets and no later wave starts; then every target the run touched (changed, or failed
 * while changing) is restored to what it ran before, newest first. Targets already at the version are untouched.
 */
export async function runWaves<Before>(options: RunOptions<Before>): Promise<RunReport> {
  const clock = options.clock ?? Date.now;
  const { driver } = options;
  const waves: WaveReport[] = options.waves.map((wave) => ({
    wave,
    status: "not started",
    targets: [],
    ms: 0,
  }));
  const touched: Touched<Before>[] = [];
  let failure: string | undefined;

  for (const report of waves) {
    const { wave } = report;
    const context: DeployContext = {
      mode: options.mode,
      stage: options.stage,
      environment: options.environment,
      wave,
    };
    const units = driver.perBatch ? [wave.targets] : wave.targets.map((t) => [t]);
    options.onWaveStart?.(wave);
    report.startedAt = clock();
    await forEachLimited(
      units,
      options.concurrency,
      async (unit) => {
        const start = clock();
        const record = (status: TargetStatus, detail: string) => {
          for (const target of unit) {
            const r: TargetReport = { target, status, detail, ms: clock() - start };
            report.targets.push(r);
            options.onTarget?.(r, wave);
          }
        };
        let before: Before;
        try {
          before = await driver.before(unit);
        } catch (error) {
          failure ??= message(error);
          record("failed", message(error));
          return;
        }
        try {
          const result = await driver.deploy(unit, context);
          if (result.changed) touched.push({ unit, before, wave });
          record(result.changed ? "deployed" : "unchanged", result.detail);
        } catch (error) {
          touched.push({ unit, before, wave });
          failure ??= message(error);
          record("failed", message(error));
        }
      },
      () => failure !== undefined,
    );
    report.ms = clock() - report.startedAt;
    report.status = failure ? "failed" : "succeeded";
    options.onWaveEnd?.(report);
    if (failure) break;
  }

  const restored: TargetReport[] = [];
  if (failure && options.restoreOnFailure) {
    await forEachLimited([...touched].reverse(), options.concurrency, async ({ unit, before, wave }) => {
      const start = clock();
      const context: DeployContext = {
        mode: "rollback",
        stage: options.stage,
        environment: options.environment,
        wave,
      };
      try {
        const detail = await driver.restore(unit, before, context);
        for (const target of unit)
          restored.push({ target, status: "rolled back", detail, ms: clock() - start });
      } catch (error) {
        for (const target of unit)
          restored.push({ target, status: "rollback failed", detail: message(error), ms: clock() - start });
      }
    });
  }
  return {
    ok: failure === undefined,
    waves,
    touched: touched.flatMap((t) => t.unit),
    restored,
    ...(failure ? { error: failure } : {}),
  };
}
