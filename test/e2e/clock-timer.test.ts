// The in-process clock as `npm start` runs it: two App processes, each with its timer (SHIPLINE_CLOCK_INTERVAL=10),
// no tick workflow and no webhook to wake them. A release held by a lock that expires is dispatched once, by
// itself, after the expiry, although one App was restarted while it waited: nothing lived in the App.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeLock } from "../../src/records/codec.js";
import { buildApp } from "../../tools/e2e/app.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";

const INTERVAL_S = 10;

describe("the in-process clock of npm start", () => {
  let world: World;

  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (root) => threeStages(root),
      apps: 2,
      environments: { staging: {} },
      appEnv: { SHIPLINE_CLOCK_INTERVAL: String(INTERVAL_S) },
    });
  }, 120_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("wakes a held stage once, after its lock expires, across a restart, and says where the wake-up comes from", {
    timeout: 180_000,
  }, async () => {
    const expires = new Date(Date.now() + 15_000);
    const at = new Date().toISOString();
    world.repo.variables.set("staging/SHIPLINE_LOCK", {
      name: "SHIPLINE_LOCK",
      value: encodeLock({
        environment: "staging",
        owner: "carol",
        reason: "migrating",
        at: new Date(),
        expiresAt: expires,
      }),
      createdAt: at,
      updatedAt: at,
    });
    const release = await world.publish("v1.0.0");
    const staging = () => world.check("shipline / staging", release.sha);
    await world.waitFor("the hold", () => !!staging()?.output.title?.startsWith("Waiting: lock"), 60_000);
    // No tick workflow in this repository: the held stage says the App's timer wakes it.
    expect(staging()!.output.summary).toContain(
      `This repository has no \`.github/workflows/shipline-tick.yml\`: the App's in-process timer looks at waiting stages every ${INTERVAL_S} s.`,
    );
    expect(world.repo.dispatches).toEqual([]);

    await world.restartApp();
    const stagingRollouts = () =>
      world.repo.dispatches.filter((d) => d.inputs.stage === "staging" && d.inputs.mode === "rollout");
    await world.waitFor("the dispatch after the expiry", () => stagingRollouts().length > 0, 120_000);
    const late = (Date.now() - expires.getTime()) / 1000;
    console.log(
      `clock lateness: staging dispatched ${late.toFixed(1)} s after the lock expired (interval ${INTERVAL_S} s)`,
    );
    // Two timers keep looking; the stage was dispatched once.
    await new Promise((r) => setTimeout(r, (INTERVAL_S + 2) * 1000));
    expect(stagingRollouts()).toHaveLength(1);
    expect(world.repo.refs.has("refs/shipline-wait/v1.0.0/staging-rollout-waiting")).toBe(false);
    expect(world.violations()).toEqual([]);
  });
});
