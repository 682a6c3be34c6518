// A freeze window covering now: Shipline holds the release before dispatching anything (on every plan), and the
// stage says why and when the freeze ends; the protection rule, where it exists, is never even asked.
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

  it("holds the release before any dispatch, says why and until when, and deploys nothing", {
    timeout: 120_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();

    expect(world.repo.dispatches).toEqual([]);
    expect(world.repo.runs).toEqual([]);
    const staging = world.check("shipline / staging", release.sha);
    expect(staging, world.log()).toMatchObject({ status: "queued", conclusion: null });
    expect(staging?.output.title).toMatch(/^Waiting: freeze \(opens /);
    expect(staging?.output.summary).toContain("nobody needs to come back");
    expect(world.repo.refs.has("refs/shipline-wait/v1.0.0/staging-rollout-waiting")).toBe(true);
    expect(staging?.output.summary).toContain("Black Friday");
    for (const later of ["shipline / canary", "shipline / production"])
      expect(world.check(later, release.sha)?.conclusion).not.toBe("success");
    expect(world.check("shipline", release.sha)?.conclusion).not.toBe("success");

    expect(world.actions).toEqual([]);
    expect(readdirSync(join(world.root, "targets"))).toEqual([]);
    expect(world.violations()).toEqual([]);
  });
});
