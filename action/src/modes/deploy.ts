import type { InstallMode } from "../../../src/config/vocabulary.js";
import { type RunReport, runWaves } from "../../../src/rollout/execute.js";
import type { Wave } from "../../../src/rollout/plan.js";
import type { ReleaseSource } from "../../../src/rollout/source.js";
import { summaryMarkdown } from "../../../src/rollout/summary.js";
import { inGroup, type ModeContext, type ModeResult } from "../context.js";
import { makeDriver } from "../drivers.js";

export interface DeployRequest {
  mode: InstallMode;
  waves: Wave[];
  source: ReleaseSource;
  /** The release the environment ran before this run. */
  previous: ReleaseSource | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Runs planned waves with the pipeline's driver, one log group per wave, and turns the report into a result. */
export async function deployWaves(context: ModeContext, request: DeployRequest): Promise<ModeResult> {
  const { stage, log } = context;
  const driver = makeDriver(context, request.source, request.previous);
  const report: RunReport = await runWaves({
    waves: request.waves,
    driver,
    concurrency: stage.concurrency,
    mode: request.mode,
    stage: stage.name,
    environment: stage.environment,
    restoreOnFailure: request.mode === "rollout",
    onWaveStart: (wave) =>
      log.startGroup(`Wave ${wave.index}: ${wave.label} (${plural(wave.targets.length, "target")})`),
    onTarget: (r) => log.info(`${r.target.name} (${r.target.region}): ${r.status}: ${r.detail}`),
    onWaveEnd: (w) => {
      log.info(`wave ${w.wave.index} ${w.status} in ${(w.ms / 1000).toFixed(1)} s`);
      log.endGroup();
    },
  });
  if (report.restored.length) {
    await inGroup(log, `Roll back ${plural(report.restored.length, "touched target")}`, async () => {
      for (const r of report.restored) log.info(`${r.target.name}: ${r.status}: ${r.detail}`);
    });
  }
  const targets = request.waves.flatMap((w) => w.targets.map((t) => t.name));
  const summary = summaryMarkdown(
    {
      mode: request.mode,
      release: request.source.version,
      previous: request.previous?.version ?? null,
      stage: stage.name,
      environment: stage.environment,
      pipeline: context.pipeline.name,
      driver: driver.kind,
    },
    report,
  );
  const outputs = {
    version: report.ok ? request.source.version : (request.previous?.version ?? ""),
    targets: JSON.stringify(targets),
    "previous-version": request.previous?.version ?? "",
  };
  if (report.ok)
    return {
      ok: true,
      message: `${request.mode} of ${request.source.version} to ${stage.name}: ${plural(targets.length, "target")} done`,
      outputs,
      summary,
    };
  const failedRestores = report.restored.filter((r) => r.status === "rollback failed");
  const restoredNote =
    request.mode === "rollback"
      ? ""
      : failedRestores.length
        ? `; rolling back failed on ${failedRestores.map((r) => r.target.name).join(", ")}: fix them by hand (on a directory target: sh <dir>/shipline-rollback)`
        : `; rolled back ${plural(report.restored.length, "touched target")}`;
  return {
    ok: false,
    message: `${request.mode} of ${request.source.version} to ${stage.name} failed: ${report.error}${restoredNote}`,
    outputs,
    summary,
  };
}
