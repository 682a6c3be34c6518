// A stage whose deploy job fails half-way: the App rolls the environment back to its previous release.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { installScript, oneStageCommand } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";

describe("automatic rollback after a failed deploy", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (root) => oneStageCommand(root),
      environments: { live: { customRule: true } },
    });
    writeFileSync(join(world.root, "targets", "install.sh"), installScript(join(world.root, "targets")));
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("fails the stage, dispatches a rollback to the previous release, and the targets run it again", {
    timeout: 180_000,
  }, async () => {
    const v1 = await world.publish("v1.0.0");
    await world.settle();
    expect(world.check("shipline / live", v1.sha), world.log()).toMatchObject({ conclusion: "success" });
    expect([world.current("web-1"), world.current("web-2")]).toEqual(["v1.0.0", "v1.0.0"]);

    // web-2's disk fills up: v2 reaches web-1 in wave 1, then fails on web-2 in wave 2.
    writeFileSync(join(world.root, "targets", "web-2.broken"), "");
    const v2 = await world.publish("v2.0.0");
    await world.settle();

    expect(world.repo.dispatches.map((d) => ({ ref: d.ref, ...d.inputs }))).toEqual([
      {
        ref: "v1.0.0",
        release: "v1.0.0",
        stage: "live",
        mode: "rollout",
        pipeline: "default",
        environment: "live",
      },
      {
        ref: "v2.0.0",
        release: "v2.0.0",
        stage: "live",
        mode: "rollout",
        pipeline: "default",
        environment: "live",
      },
      {
        ref: "v1.0.0",
        release: "v1.0.0",
        stage: "live",
        mode: "rollback",
        pipeline: "default",
        environment: "live",
        from: "v2.0.0",
        reason: expect.stringContaining("live failed"),
      },
    ]);
    const live = world.check("shipline / live", v2.sha);
    expect(live).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(live?.output.summary).toContain("v1.0.0");
    expect(world.check("shipline", v2.sha)?.conclusion).toBe("failure");
    // The release rolled back to keeps its verdict.
    expect(world.check("shipline", v1.sha)).toMatchObject({ conclusion: "success" });

    const [, failed, rollback] = world.actions;
    expect(failed?.result.exitCode).not.toBe(0);
    expect(`${failed?.result.stdout}${failed?.result.stderr}`).toContain("disk full");
    expect(rollback?.job.inputs.mode).toBe("rollback");
    expect(rollback?.result.exitCode, rollback?.result.stdout).toBe(0);
    expect([world.current("web-1"), world.current("web-2")]).toEqual(["v1.0.0", "v1.0.0"]);
    expect(world.violations()).toEqual([]);
  });
});
