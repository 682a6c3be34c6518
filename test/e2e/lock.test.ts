// `/lock production -- reason`: Shipline holds the next deploy into it before dispatching anything (on every
// plan), saying who holds the lock and why; after `/unlock`, `/deploy` goes through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { World } from "../../tools/e2e/world.js";
import type { Release } from "../../tools/standin/state.js";
import { startGatedWorld } from "../support/gated-world.js";

const PRODUCTION_HOSTS = ["web-1", "web-2", "web-3", "web-4"];

describe("a locked environment", () => {
  let world: World;
  let release: Release;
  const lockVariable = () => world.repo.variables.get("production/SHIPLINE_LOCK");
  const production = () => world.check("shipline / production", release.sha);
  const replyAfter = (id: number) => world.repo.comments.find((c) => c.user.type === "Bot" && c.id > id);

  beforeAll(async () => {
    // No four-eyes here: the lock is the only gate in play.
    world = await startGatedWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("/lock stores the lock on the environment", { timeout: 60_000 }, async () => {
    const comment = await world.comment("carol", "/lock production -- migrating the database");
    await world.settle();
    expect(replyAfter(comment.id)?.body, world.log()).toMatch(/carol/);
    const lock = lockVariable();
    expect(lock, world.log()).toBeDefined();
    expect(lock?.value).toContain("carol");
    expect(lock?.value).toContain("migrating the database");
  });

  it("holds the next deploy into production before any dispatch, naming the owner and reason", {
    timeout: 90_000,
  }, async () => {
    release = await world.publish("v1.0.0");
    await world.settle();

    expect(world.current("stg-1")).toBe("v1.0.0");
    expect(
      world.repo.runs.find((r) => r.inputs.stage === "production"),
      world.log(),
    ).toBeUndefined();
    expect(production()).toMatchObject({ status: "queued", conclusion: null });
    expect(production()?.output.title).toMatch(/^Waiting: lock/);
    expect(production()?.output.summary).toContain("carol");
    expect(production()?.output.summary).toContain("migrating the database");
    expect(world.check("shipline", release.sha)?.conclusion).not.toBe("success");
    expect(world.actions.map((a) => a.job.inputs.stage)).toEqual(["staging"]);
    for (const host of PRODUCTION_HOSTS) expect(world.current(host), host).toBeNull();
  });

  it("after /unlock, /deploy to production goes through", { timeout: 120_000 }, async () => {
    const unlock = await world.comment("carol", "/unlock production");
    await world.settle();
    expect(replyAfter(unlock.id)?.body, world.log()).toBeDefined();
    expect(lockVariable()).toBeUndefined();

    await world.comment("dave", "/deploy v1.0.0 to production");
    await world.settle();

    expect(production(), world.log()).toMatchObject({ status: "completed", conclusion: "success" });
    for (const host of PRODUCTION_HOSTS) expect(world.current(host), host).toBe("v1.0.0");
    expect(world.violations()).toEqual([]);
  });
});
