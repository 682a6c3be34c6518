// Waiting that proceeds by itself, end to end: the stand-in (a private repository on GitHub Team: no protection
// rules), the real App (in this process, so the test moves its clock: tools/e2e/in-process-app.ts) and the built
// Action. Published at 14:00 into an overnight-only window, with a freeze until 22:30 on top: held at 14:00, still
// held by the freeze when the window opens, deployed by itself at the first tick after 22:30. No human comes back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { oneStage } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import type { JsonObject } from "../../tools/standin/openapi/spec.js";
import { examplePayload } from "../support/webhooks.js";

describe("a release held by a window and a freeze deploys by itself once both open", () => {
  let world: World;
  let clock = Date.parse("2026-12-01T14:00:00Z");

  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (root) =>
        oneStage(
          root,
          `gates:
  windows: { timezone: UTC, allow: ["Mon-Sun 22:00-23:59"] }
  freezes: [{ from: "2026-12-01T21:00:00Z", until: "2026-12-01T22:30:00Z", reason: "database migration" }]
`,
        ),
      clock: () => new Date(clock),
    });
  }, 90_000);
  afterAll(async () => {
    await world?.stop();
  });

  /** The tick workflow finished: GitHub sends workflow_run.completed, and the App looks at every waiting stage. */
  async function tickAt(iso: string): Promise<void> {
    clock = Date.parse(iso);
    const payload = examplePayload("workflow_run", "completed") as unknown as JsonObject & {
      workflow_run: { path: string };
    };
    const ours = world.gh.standin.deliveries.find((d) => d.event === "release")!.payload;
    Object.assign(payload, { repository: ours.repository, installation: ours.installation });
    payload.workflow_run.path = ".github/workflows/shipline-tick.yml";
    expect(await world.deliverTo(world.apps[0]!, "workflow_run", payload)).toBeLessThan(300);
    await world.settle();
  }

  it("holds at 14:00 (window), at 22:10 (freeze), and deploys at the first tick after 22:30", {
    timeout: 180_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();
    const live = () => world.check("shipline / live", release.sha);
    expect(world.repo.dispatches, world.log()).toEqual([]);
    expect(live()).toMatchObject({ status: "queued", conclusion: null });
    expect(live()!.output.title).toContain("Waiting: window (opens 2026-12-01 22:");

    await tickAt("2026-12-01T18:00:00Z");
    expect(world.repo.dispatches).toEqual([]);

    await tickAt("2026-12-01T22:10:00Z");
    expect(world.repo.dispatches).toEqual([]);
    // The App paces its writes, so the new reason may land a moment after the tick was handled.
    await world.waitFor("held by the freeze", () => /freeze/.test(live()?.output.title ?? ""), 30_000);
    expect(world.repo.dispatches).toEqual([]);

    await tickAt("2026-12-01T22:31:00Z");
    await world.waitFor("live deployed", () => live()?.status === "completed", 120_000);
    expect(world.repo.dispatches.map((d) => `${d.inputs.stage} ${d.inputs.mode}`)).toEqual(["live rollout"]);
    expect(live(), world.log()).toMatchObject({ status: "completed", conclusion: "success" });
    // Later ticks find nothing waiting and dispatch nothing more.
    await tickAt("2026-12-01T22:40:00Z");
    expect(world.repo.dispatches).toHaveLength(1);
  });
});
