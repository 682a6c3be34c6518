import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVerifiedCanary, type VerifiedCanary } from "./helpers/verified-canary.js";

// A rollout verifies the stage in the same job: the job succeeds only once its checks pass for the bake time,
// and a failure says (in an annotation the App reads) whether verification failed or could not decide.
let canary: VerifiedCanary;
let body: unknown = { errorRate: 0.01 };

beforeAll(async () => {
  canary = await startVerifiedCanary({ name: "verify", stage: "bake: 2s, interval: 1s", body: () => body });
}, 120_000);

afterAll(async () => {
  await canary?.stop();
});

const deploy = (extra: Record<string, string> = {}) => canary.deploy(extra);

describe("a rollout with verification", () => {
  it("succeeds once the checks pass for the bake time, with each round in the job summary", async () => {
    body = { errorRate: 0.01 };
    const run = await deploy();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain("verification of v2 in canary: passed");
    // The report reaches the App as a notice on the job (it copies it into the stage's check run).
    expect(run.stdout).toMatch(/^::notice title=shipline%3A verification report::.*errors/m);
    expect(run.summary).toContain("errors");
  });

  it("a hotfix skips the bake time but still runs the checks once", async () => {
    body = { errorRate: 0.01 };
    const normal = await deploy();
    expect(normal.stdout).toMatch(/verification round 2/);
    const hotfix = await deploy({ reason: "hotfix: checkout is down" });
    expect(hotfix.code, hotfix.stdout).toBe(0);
    expect(hotfix.stdout).toContain("Verify canary (hotfix: no bake)");
    expect(hotfix.stdout).toMatch(/verification round 1/);
    expect(hotfix.stdout).not.toMatch(/verification round 2/);
    body = { errorRate: 0.5 };
    expect((await deploy({ reason: "hotfix: checkout is down" })).code).toBe(1);
  });

  it("fails with a 'verification failed' annotation when a check breaches its limit", async () => {
    body = { errorRate: 0.5 };
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error title=shipline%3A verification failed::.*verification of v2 in canary: failed/,
    );
    expect(run.stdout.match(/^::error/gm)).toHaveLength(1);
  });

  it("fails with a 'verification inconclusive' annotation when the metric has no data", async () => {
    body = { somethingElse: 1 };
    const run = await deploy();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error title=shipline%3A verification inconclusive::/);
  });
});
