// What a stage covers of its environment, in words every surface shares (check runs, notifications, the CLI):
// a canary that moved 2 of 8 production hosts never reads "live in production".
import type { Pipeline, ResolvedStage } from "../config/types.js";
import { planStage, stagePool } from "../rollout/plan.js";

export interface Coverage {
  stage: string;
  environment: string;
  /** Hosts the stage's rollout of this release touches. */
  hosts: number;
  /** Hosts of the environment (every stage deploying to it, together). */
  total: number;
  /** Only part of the environment moves: a canary. */
  partial: boolean;
}

/** The hosts `stage` moves for `release` (the rollout's own plan, so the same hosts the job deploys to). */
export function stageCoverage(pipeline: Pipeline, stage: ResolvedStage, release: string): Coverage {
  const hosts = new Set(
    planStage(pipeline, stage, release).waves.flatMap((w) => w.targets.map((t) => t.name)),
  );
  const all = new Set(
    pipeline.stages
      .filter((s) => s.environment === stage.environment)
      .flatMap((s) => stagePool(pipeline, s).map((t) => t.name)),
  );
  return {
    stage: stage.name,
    environment: stage.environment,
    hosts: hosts.size,
    total: all.size,
    partial: hosts.size < all.size,
  };
}

function coverageOf(pipeline: Pipeline, stageName: string, release: string): Coverage | undefined {
  const stage = pipeline.stages.find((s) => s.name === stageName);
  return stage ? stageCoverage(pipeline, stage, release) : undefined;
}

/** "v1.2.0 is live on 2 of 8 production hosts (canary)", or "v1.2.0 is live in production". */
export function liveText(
  pipeline: Pipeline,
  stageName: string,
  release: string,
  environment: string,
): string {
  const c = coverageOf(pipeline, stageName, release);
  return c?.partial
    ? `${release} is live on ${c.hosts} of ${c.total} ${c.environment} hosts (${c.stage})`
    : `${release} is live in ${environment}`;
}

/** Where a stage's deploy went, for failures: "the canary hosts of production (2 of 8)", or "production". */
export function stageWhere(
  pipeline: Pipeline,
  stageName: string,
  release: string,
  environment: string,
): string {
  const c = coverageOf(pipeline, stageName, release);
  return c?.partial ? `the ${c.stage} hosts of ${c.environment} (${c.hosts} of ${c.total})` : environment;
}

/**
 * What a rollback of a stage moves back: "rolling the canary hosts back to v1.1.0" / "rolling production back
 * to v1.1.0". `from` is the release being rolled back: its plan picked the canary's hosts.
 */
export function rollingBackText(
  pipeline: Pipeline,
  stageName: string,
  from: string,
  to: string,
  environment: string,
): string {
  const c = coverageOf(pipeline, stageName, from);
  return c?.partial
    ? `rolling the ${c.stage} hosts back to \`${to}\``
    : `rolling ${environment} back to \`${to}\``;
}

/** After a rollback: "the canary hosts (2 of 8 in production) run v1.1.0 again" / "production runs v1.1.0 again". */
export function rolledBackText(
  pipeline: Pipeline | undefined,
  stageName: string,
  from: string | undefined,
  to: string,
  environment: string,
): string {
  const c = pipeline && from ? coverageOf(pipeline, stageName, from) : undefined;
  return c?.partial
    ? `the ${c.stage} hosts (${c.hosts} of ${c.total} in ${c.environment}) run \`${to}\` again`
    : `${environment} runs \`${to}\` again`;
}
