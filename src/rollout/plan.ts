import type { Pipeline, ResolvedStage } from "../config/types.js";
import { seededRandom, shuffled } from "./random.js";

/** A host or slot the Action deploys to. */
export interface Target {
  name: string;
  region: string;
}

export interface Wave {
  /** 1-based. */
  index: number;
  label: string;
  targets: Target[];
}

export interface StagePlan {
  /** Every target of the stage's pool, before sampling. */
  pool: Target[];
  waves: Wave[];
}

/** The region of the single stand-in target of a stage that declares no targets. */
export const DEFAULT_REGION = "default";

/**
 * The stage's pool: the pipeline's targets in the stage's regions, in config order. A pipeline without targets
 * deploys to one stand-in target named after the stage's environment (a command driver deploying a platform).
 */
export function stagePool(pipeline: Pipeline, stage: ResolvedStage): Target[] {
  const regions = stage.targets === "all" ? Object.keys(pipeline.targets) : stage.targets;
  const pool = regions.flatMap((region) =>
    (pipeline.targets[region] ?? []).map((name) => ({ name, region })),
  );
  if (pool.length === 0 && Object.keys(pipeline.targets).length === 0)
    return [{ name: stage.environment, region: DEFAULT_REGION }];
  return pool;
}

/** The seed of a stage's random choice: the release whose rollout it is (or undoes) and the stage. */
export function planSeed(release: string, stage: string): string {
  return `${release}\u0000${stage}`;
}

const byPosition = (pool: readonly Target[]) => {
  const position = new Map(pool.map((t, i) => [key(t), i]));
  return (a: Target, b: Target) => (position.get(key(a)) ?? 0) - (position.get(key(b)) ?? 0);
};
const key = (t: Target) => `${t.region}/${t.name}`;

/**
 * A seeded random sample of ceil(percent% of the pool), at least one target; with `everyRegion`, at least one
 * target per region (which may take the sample above the percentage when regions outnumber it). The pool is
 * sorted before sampling, so the order of the config file does not change the choice.
 */
export function sampleTargets(
  pool: readonly Target[],
  percent: number,
  everyRegion: boolean,
  seed: string,
): Target[] {
  if (pool.length === 0) return [];
  const sorted = [...pool].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const order = shuffled(sorted, seededRandom(seed));
  const count = Math.max(1, Math.ceil((pool.length * percent) / 100 - 1e-9));
  const chosen = new Set<Target>();
  if (everyRegion) {
    const seen = new Set<string>();
    for (const t of order) {
      if (seen.has(t.region)) continue;
      seen.add(t.region);
      chosen.add(t);
    }
  }
  for (const t of order) {
    if (chosen.size >= count) break;
    chosen.add(t);
  }
  return [...chosen].sort(byPosition(pool));
}

/** Interleaves regions (first of each region, then second of each, ...) so percentage waves span regions. */
function interleaveRegions(pool: readonly Target[]): Target[] {
  const regions = new Map<string, Target[]>();
  for (const t of pool) regions.set(t.region, [...(regions.get(t.region) ?? []), t]);
  const lists = [...regions.values()];
  const out: Target[] = [];
  for (let i = 0; out.length < pool.length; i++) {
    for (const list of lists) {
      const t = list[i];
      if (t) out.push(t);
    }
  }
  return out;
}

/** Cuts cumulative percentages ([25, 50, 100]) into waves of new targets; empty cuts are dropped. */
export function percentWaves(pool: readonly Target[], cuts: readonly number[]): Wave[] {
  const order = interleaveRegions(pool);
  const waves: Wave[] = [];
  let done = 0;
  for (const cut of cuts) {
    const upTo = Math.min(order.length, Math.ceil((order.length * cut) / 100 - 1e-9));
    if (upTo <= done) continue;
    waves.push({ index: waves.length + 1, label: `${cut}%`, targets: order.slice(done, upTo) });
    done = upTo;
  }
  return waves;
}

export function regionWaves(pool: readonly Target[]): Wave[] {
  const regions = [...new Set(pool.map((t) => t.region))];
  return regions.map((region, i) => ({
    index: i + 1,
    label: region,
    targets: pool.filter((t) => t.region === region),
  }));
}

export function hostWaves(pool: readonly Target[]): Wave[] {
  return pool.map((t, i) => ({ index: i + 1, label: t.name, targets: [t] }));
}

/**
 * Which targets a stage deploys to and in which waves. `seed` is the release whose rollout this is: the
 * rollback of a canary passes the release being rolled back, so it touches exactly the canary's targets.
 */
export function planStage(pipeline: Pipeline, stage: ResolvedStage, seedRelease: string): StagePlan {
  const pool = stagePool(pipeline, stage);
  if (stage.percent !== undefined) {
    const targets = sampleTargets(
      pool,
      stage.percent,
      stage["every-region"],
      planSeed(seedRelease, stage.name),
    );
    return { pool, waves: [{ index: 1, label: `${stage.percent}%`, targets }] };
  }
  if (stage.by === "region") return { pool, waves: regionWaves(pool) };
  if (stage.by === "host") return { pool, waves: hostWaves(pool) };
  return { pool, waves: percentWaves(pool, stage.waves ?? [100]) };
}

/** A rollback undoes a stage in one wave over every target its rollout chose: fast, and nothing missed. */
export function planRollback(pipeline: Pipeline, stage: ResolvedStage, seedRelease: string): StagePlan {
  const plan = planStage(pipeline, stage, seedRelease);
  const targets = plan.waves.flatMap((w) => w.targets);
  return { pool: plan.pool, waves: [{ index: 1, label: "rollback", targets }] };
}
