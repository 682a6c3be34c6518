// Splitting a rollout too big for one runner into jobs for several runners (pure). The plan's waves stay in
// order: wave N is a set of jobs that may run at once (a matrix), and wave N+1 starts only when every job of
// wave N has succeeded. Inside a wave, targets are grouped by region (one region never spread over jobs unless
// it is bigger than a job) or simply cut into batches.
import type { StagePlan, Target } from "./plan.js";

/** GitHub Actions runs at most 256 jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;

export interface SplitOptions {
  /** `region`: a job never mixes regions; `batch`: jobs are equal slices of the wave, regions mixed. */
  by: "region" | "batch";
  /** Most targets one job deploys (one runner's fan-out). */
  maxTargetsPerJob: number;
  /** Most jobs in one wave (default 256, GitHub's matrix limit); jobs grow past maxTargetsPerJob to fit. */
  maxJobsPerWave?: number;
}

export interface RunnerJob {
  /** Stable and unique within the split, e.g. `w2-eu-west-1` (usable as a matrix value and job name). */
  id: string;
  /** The wave it belongs to (1-based, as in the plan). */
  wave: number;
  /** The region of every target, or undefined when the job mixes regions (`by: batch`). */
  region?: string;
  targets: Target[];
}

export interface SplitWave {
  index: number;
  label: string;
  jobs: RunnerJob[];
}

/** Cuts `items` into `parts` consecutive slices whose sizes differ by at most one. */
function slices<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const size = Math.floor(items.length / parts) + (i < items.length % parts ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out.filter((s) => s.length > 0);
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, "_");

/** Splits each wave of `plan` into runner jobs. Throws on options that cannot describe a split. */
export function splitPlan(plan: StagePlan, options: SplitOptions): SplitWave[] {
  const perJob = options.maxTargetsPerJob;
  const maxJobs = options.maxJobsPerWave ?? MAX_MATRIX_JOBS;
  if (!Number.isInteger(perJob) || perJob < 1)
    throw new Error(`maxTargetsPerJob must be a whole number of at least 1 (got ${perJob})`);
  if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > MAX_MATRIX_JOBS)
    throw new Error(`maxJobsPerWave must be a whole number from 1 to ${MAX_MATRIX_JOBS} (got ${maxJobs})`);

  return plan.waves.map((wave) => {
    const groups: { region?: string; targets: Target[] }[] = [];
    if (options.by === "region") {
      const byRegion = new Map<string, Target[]>();
      for (const t of wave.targets) byRegion.set(t.region, [...(byRegion.get(t.region) ?? []), t]);
      for (const [region, targets] of byRegion) groups.push({ region, targets });
    } else {
      groups.push({ targets: wave.targets });
    }
    // How many jobs each group gets: enough for maxTargetsPerJob, or, over maxJobs, one each and the rest
    // to whichever group has the most targets per job so far (the slowest job shortens first).
    const need = groups.map((g) => Math.ceil(g.targets.length / perJob));
    let counts = need;
    if (need.reduce((a, b) => a + b, 0) > maxJobs) {
      if (groups.length > maxJobs)
        throw new Error(
          `wave ${wave.index} spans ${groups.length} regions, more than ${maxJobs} jobs: split by batch instead`,
        );
      counts = groups.map(() => 1);
      for (let spare = maxJobs - groups.length; spare > 0; spare--) {
        let best = -1;
        groups.forEach((g, i) => {
          const load = g.targets.length / (counts[i] ?? 1);
          if (
            (counts[i] ?? 0) < (need[i] ?? 0) &&
            (best < 0 || load > g.targets.length / (counts[best] ?? 1))
          )
            best = i;
        });
        if (best < 0) break;
        counts[best] = (counts[best] ?? 0) + 1;
      }
    }
    const jobs: RunnerJob[] = [];
    groups.forEach((g, gi) => {
      slices(g.targets, counts[gi] ?? 1).forEach((targets, k) => {
        const name = g.region === undefined ? `batch-${k + 1}` : `${safe(g.region)}-${k + 1}`;
        jobs.push({
          id: `w${wave.index}-${name}`,
          wave: wave.index,
          ...(g.region === undefined ? {} : { region: g.region }),
          targets,
        });
      });
    });
    // Regions whose names differ only in characters `safe` replaces would collide: number them apart.
    const seen = new Map<string, number>();
    for (const job of jobs) {
      const n = seen.get(job.id) ?? 0;
      seen.set(job.id, n + 1);
      if (n > 0) job.id = `${job.id}~${n}`;
    }
    return { index: wave.index, label: wave.label, jobs };
  });
}
