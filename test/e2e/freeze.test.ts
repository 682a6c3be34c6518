// A freeze window covering now: Shipline, as the environment's protection rule, rejects the deploy job.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";

const DAY = 24 * 3600 * 1000;

describe("a freeze window", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    const from = new Date(Date.now() - DAY).toISOString();
    const until = new Date(Date.now() + DAY).toISOString();
    world = await startWorld({
      config: (root) =>
        threeStages(
          root,
          `gates:\n  freezes: [{ from: "${from}", until: "${until}", reason: "Black Friday" }]\n`,
        ),
      environments: { staging: { customRule: true }, production: { customRule: true } },
    });
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("rejects the deploy job, says why on the stage check run, and deploys nothing", {
    timeout: 120_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();

    expect(world.repo.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    const [run] = world.repo.runs;
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    const staging = world.check("shipline / staging", release.sha);
    expect(staging, world.log()).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(`${staging?.output.title}\n${staging?.output.summary}`).toMatch(/freeze/i);
    expect(staging?.output.summary).toContain("Black Friday");
    for (const later of ["shipline / canary", "shipline / production"])
      expect(world.check(later, release.sha)?.conclusion).not.toBe("success");
    expect(world.check("shipline", release.sha)?.conclusion).not.toBe("success");

    expect(world.actions).toEqual([]);
    expect(readdirSync(join(world.root, "targets"))).toEqual([]);
    expect(world.violations()).toEqual([]);
  });
});
