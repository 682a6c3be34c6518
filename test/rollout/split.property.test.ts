// A rollout of thousands of targets split over runners: every target of every wave is in exactly one job of
// that wave, no job is empty, jobs respect their size and the matrix limit, and job ids are unique.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StagePlan, Target } from "../../src/rollout/plan.js";
import { MAX_MATRIX_JOBS, splitPlan } from "../../src/rollout/split.js";

const regionName = fc.constantFrom("eu-west", "us-east", "ap-south", "eu west", "eu/west", "sa-1");

function row() {
  return fc.tuple(regionName, fc.integer({ min: 1, max: 4 }));
}

/** Plans with unique target names spread over regions and waves (up to ~5,000 targets). */
const plans: fc.Arbitrary<StagePlan> = fc
  .oneof(
    fc.array(row(), { minLength: 1, maxLength: 60 }),
    fc.array(row(), { minLength: 1000, maxLength: 5000 }),
  )
  .map((rows) => {
    const targets = rows.map(([region, wave], i) => ({ t: { name: `host-${i}`, region }, wave }));
    const waves = [1, 2, 3, 4]
      .map((index) => ({
        index,
        label: `wave ${index}`,
        targets: targets.filter((x) => x.wave === index).map((x) => x.t),
      }))
      .filter((w) => w.targets.length > 0)
      .map((w, i) => ({ ...w, index: i + 1 }));
    return { pool: targets.map((x) => x.t), waves };
  });

const key = (t: Target) => `${t.region}/${t.name}`;

describe("splitPlan", () => {
  it("covers every target exactly once, in its own wave, within the limits", () => {
    fc.assert(
      fc.property(
        plans,
        fc.constantFrom("region" as const, "batch" as const),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: MAX_MATRIX_JOBS }),
        (plan, by, maxTargetsPerJob, maxJobsPerWave) => {
          const regions = Math.max(...plan.waves.map((w) => new Set(w.targets.map((t) => t.region)).size));
          if (by === "region" && regions > maxJobsPerWave) {
            // A region is never spread over jobs with another, so more regions than jobs cannot be split.
            expect(() => splitPlan(plan, { by, maxTargetsPerJob, maxJobsPerWave })).toThrow(
              /regions, more than \d+ jobs: split by batch instead/,
            );
            return;
          }
          const split = splitPlan(plan, { by, maxTargetsPerJob, maxJobsPerWave });
          expect(split.map((w) => w.index)).toEqual(plan.waves.map((w) => w.index));
          const ids = new Set<string>();
          split.forEach((wave, i) => {
            const planned = plan.waves[i]!.targets.map(key).sort();
            const covered = wave.jobs.flatMap((j) => j.targets.map(key)).sort();
            expect(covered).toEqual(planned);
            expect(wave.jobs.length).toBeLessThanOrEqual(maxJobsPerWave);
            const fits = Math.ceil(planned.length / maxTargetsPerJob) <= maxJobsPerWave;
            for (const job of wave.jobs) {
              expect(job.targets.length).toBeGreaterThan(0);
              expect(job.wave).toBe(wave.index);
              if (by === "region") expect(job.targets.every((t) => t.region === job.region)).toBe(true);
              if (fits && by === "batch") expect(job.targets.length).toBeLessThanOrEqual(maxTargetsPerJob);
              expect(ids.has(job.id)).toBe(false);
              ids.add(job.id);
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps each region in one job while it fits, and names jobs after wave and region", () => {
    const t = (name: string, region: string) => ({ name, region });
    const plan: StagePlan = {
      pool: [],
      waves: [
        { index: 1, label: "eu-west", targets: [t("a", "eu-west"), t("b", "eu-west"), t("c", "eu-west")] },
        { index: 2, label: "us-east", targets: [t("d", "us-east"), t("e", "us-east")] },
      ],
    };
    expect(splitPlan(plan, { by: "region", maxTargetsPerJob: 2 })).toEqual([
      {
        index: 1,
        label: "eu-west",
        jobs: [
          { id: "w1-eu-west-1", wave: 1, region: "eu-west", targets: [t("a", "eu-west"), t("b", "eu-west")] },
          { id: "w1-eu-west-2", wave: 1, region: "eu-west", targets: [t("c", "eu-west")] },
        ],
      },
      {
        index: 2,
        label: "us-east",
        jobs: [
          { id: "w2-us-east-1", wave: 2, region: "us-east", targets: [t("d", "us-east"), t("e", "us-east")] },
        ],
      },
    ]);
  });

  it("refuses options that describe no split", () => {
    const plan: StagePlan = { pool: [], waves: [] };
    expect(() => splitPlan(plan, { by: "batch", maxTargetsPerJob: 0 })).toThrow(
      "maxTargetsPerJob must be a whole number of at least 1 (got 0)",
    );
    expect(() => splitPlan(plan, { by: "batch", maxTargetsPerJob: 10, maxJobsPerWave: 300 })).toThrow(
      "maxJobsPerWave must be a whole number from 1 to 256 (got 300)",
    );
  });
});
