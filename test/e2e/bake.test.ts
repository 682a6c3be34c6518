// A 48h canary bake without a runner, end to end: the stand-in, the real App (in this process, so the test moves
// its clock: tools/e2e/in-process-app.ts) and the built Action. The canary's deploy job rolls out and runs ONE
// verification round; the App's clock (the tick workflow's workflow_run) dispatches a short verify job every 4h
// of App time, each running exactly one round; production is dispatched once 48h passed and 12 rounds passed. A
// second release's round 7 (hours 28-32) fails and the canary is rolled back. The App restarts mid-bake.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERIFY_REPORT } from "../../src/verify/outcome.js";
import { buildApp } from "../../tools/e2e/app.js";
import { bakedCanary } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import type { JsonObject } from "../../tools/standin/openapi/spec.js";
import { examplePayload } from "../support/webhooks.js";

const HOUR = 3_600_000;

describe("a 48h canary bake on the App's clock, with the real App and Action", () => {
  let world: World;
  let clock = Date.parse("2026-12-01T10:00:00Z");

  beforeAll(async () => {
    buildApp();
    world = await startWorld({ config: bakedCanary, clock: () => new Date(clock) });
  }, 90_000);
  afterAll(async () => {
    await world?.stop();
  });

  /** The tick workflow finished: GitHub sends workflow_run.completed, and the App looks at every waiting stage. */
  async function tick(): Promise<void> {
    const payload = examplePayload("workflow_run", "completed") as unknown as JsonObject & {
      workflow_run: { path: string };
    };
    const ours = world.gh.standin.deliveries.find((d) => d.event === "release")!.payload;
    Object.assign(payload, { repository: ours.repository, installation: ours.installation });
    payload.workflow_run.path = ".github/workflows/shipline-tick.yml";
    expect(await world.deliverTo(world.apps[0]!, "workflow_run", payload)).toBeLessThan(300);
    await world.settle();
  }
  const jobsOf = (tag: string, mode?: string) =>
    world.actions.filter(
      (a) =>
        (a.job.inputs.release === tag || a.job.inputs.from === tag) && (!mode || a.job.inputs.mode === mode),
    );
  const dispatches = (tag: string) =>
    world.repo.dispatches
      .filter((d) => d.inputs.release === tag || d.inputs.from === tag)
      .map(
        (d) =>
          `${d.inputs.stage} ${d.inputs.mode}${d.inputs.reason?.startsWith("round") ? ` ${d.inputs.reason}` : ""}`,
      );
  /** Waits until the canary's check run shows `title` (the App paces its writes, so settle alone may return early). */
  const canaryShows = (sha: string, title: RegExp) =>
    world.waitFor(
      `canary: ${title}`,
      () => title.test(world.check("shipline / canary", sha)?.output.title ?? ""),
      60_000,
    );
  /** How many verification rounds a job's Action ran, from its log (one `verification round N:` line each). */
  const roundsRun = (stdout: string) => stdout.match(/verification round \d+: /g)?.length ?? 0;

  it("runs 12 one-round verify jobs over 48h, then dispatches production; a restart loses nothing", {
    timeout: 400_000,
  }, async () => {
    const release = await world.publish("v1.1.0");
    await canaryShows(release.sha, /^Baking v1.1.0 in canary/);
    await world.settle();
    const canary = () => world.check("shipline / canary", release.sha)!;
    expect(dispatches("v1.1.0")).toEqual(["canary rollout"]);
    expect(canary().status, world.log()).toBe("in_progress");
    expect(canary().output.title).toBe("Baking v1.1.0 in canary: round 0 passed, 2d left");
    // The rollout job ran one round and ended: it did not bake.
    const [rollout] = jobsOf("v1.1.0", "rollout");
    expect(rollout!.result.exitCode).toBe(0);
    expect(roundsRun(rollout!.result.stdout)).toBe(1);

    for (let k = 1; k <= 12; k++) {
      clock += 4 * HOUR;
      await tick();
      await canaryShows(release.sha, k < 12 ? new RegExp(`round ${k} of 12 passed`) : /baked/);
      if (k === 6) await world.restartApp();
      expect(jobsOf("v1.1.0", "verify"), world.log()).toHaveLength(k);
    }
    const verifyJobs = jobsOf("v1.1.0", "verify");
    for (const [i, job] of verifyJobs.entries()) {
      expect(job.job.inputs.reason).toBe(`round ${i + 1} of 12`);
      expect(job.result.exitCode).toBe(0);
      // Exactly one round per job, and its report left as the notice annotation the App reads.
      expect(roundsRun(job.result.stdout)).toBe(1);
      expect(job.result.stdout).toContain(`::notice title=${VERIFY_REPORT.replace(":", "%3A")}::`);
      expect(job.result.stdout).toContain(`(round ${i + 1} of 12 of the bake)`);
    }
    expect(canary()).toMatchObject({ status: "completed", conclusion: "success" });
    expect(canary().output.title).toBe("v1.1.0 baked 2d in canary: 12 rounds passed");
    await world.waitFor(
      "production",
      () => world.check("shipline / production", release.sha)?.conclusion === "success",
    );
    expect(dispatches("v1.1.0")).toEqual([
      "canary rollout",
      ...Array.from({ length: 12 }, (_, i) => `canary verify round ${i + 1} of 12`),
      "production rollout",
    ]);
    expect(world.check("shipline / production", release.sha)).toMatchObject({ conclusion: "success" });
    expect(world.current("web-1")).toBe("v1.1.0");
    expect(world.repo.refs.has("refs/shipline-wait/v1.1.0/canary-bake-waiting")).toBe(false);
    expect(world.violations()).toEqual([]);
  });

  it("a round failing at hour 28-32 rolls the canary back to the release before", {
    timeout: 300_000,
  }, async () => {
    const release = await world.publish("v1.2.0");
    await canaryShows(release.sha, /^Baking v1.2.0 in canary/);
    await world.settle();
    const canary = () => world.check("shipline / canary", release.sha)!;
    expect(canary().status, world.log()).toBe("in_progress");
    const canaryHost = JSON.parse(
      jobsOf("v1.2.0", "rollout")[0]!.result.outputs.targets ?? "[]",
    )[0] as string;
    expect(world.current(canaryHost)).toBe("v1.2.0");
    for (let k = 1; k <= 6; k++) {
      clock += 4 * HOUR;
      await tick();
      await canaryShows(release.sha, new RegExp(`round ${k} of 12 passed`));
    }
    expect(jobsOf("v1.2.0", "verify").map((j) => j.result.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    // From hour 28 the probe fails.
    writeFileSync(join(world.root, "targets", "probe.fail"), "");
    clock += 4 * HOUR;
    await tick();
    await canaryShows(release.sha, /failed/);
    await world.waitFor("the rollback", () => world.current(canaryHost) === "v1.1.0");
    await world.settle();
    const failed = jobsOf("v1.2.0", "verify").at(-1)!;
    expect(failed.job.inputs.reason).toBe("round 7 of 12");
    expect(failed.result.exitCode).not.toBe(0);
    expect(roundsRun(failed.result.stdout)).toBe(1);
    expect(canary()).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(canary().output.title).toBe("Verification of v1.2.0 failed in canary");
    expect(dispatches("v1.2.0")).toContain("canary rollback");
    expect(world.current(canaryHost)).toBe("v1.1.0");
    expect(world.check("shipline / production", release.sha)).toMatchObject({ conclusion: "skipped" });
    // Later ticks dispatch nothing for v1.2.0.
    clock += 24 * HOUR;
    await tick();
    expect(dispatches("v1.2.0").filter((d) => d.startsWith("production"))).toEqual([]);
    expect(world.violations()).toEqual([]);
  });
});
