// A private repository without protection rules: anyone with write access can run the deploy workflow by hand.
// The real Action, run by the stand-in's runner for that hand-started run, refuses it (Shipline never cleared
// it) and deploys nothing; the run Shipline dispatched itself goes through.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { stagingProduction } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";

const PRODUCTION_HOSTS = ["web-1", "web-2", "web-3", "web-4"];

describe("no bypass by hand", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    // No environments with protection rules: the typical private repository on GitHub Team.
    world = await startWorld({ config: (root) => stagingProduction(root) });
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("refuses a production run started by hand without Shipline's clearance; nothing is deployed", {
    timeout: 150_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();
    // Production waits for an approval; mallory, a writer, runs the deploy workflow for it herself.
    expect(world.check("shipline / production", release.sha)?.output.title).toMatch(/^Waiting: four-eyes/);
    const token = world.gh.standin.issueToken({ login: "mallory", id: 7007, type: "User" }, "ghp");
    const response = await httpFetch(
      `${world.gh.url}/api/v3/repos/${world.repo.owner.login}/${world.repo.name}/actions/workflows/shipline.yml/dispatches`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          ref: "v1.0.0",
          inputs: {
            release: "v1.0.0",
            stage: "production",
            mode: "rollout",
            pipeline: "default",
            environment: "production",
          },
        }),
      },
    );
    expect(response.status).toBeLessThan(300);
    await world.waitFor(
      "the hand-started run to finish",
      () => world.repo.runs.some((r) => r.inputs.stage === "production" && r.status === "completed"),
      150_000,
    );
    await world.settle();

    const run = world.repo.runs.find((r) => r.inputs.stage === "production");
    expect(run?.conclusion).toBe("failure");
    const action = world.actions.find((a) => a.job.inputs.stage === "production");
    expect(action?.result.stdout).toContain("refusing to roll out v1.0.0 to production");
    expect(action?.result.stdout).toContain("Shipline did not dispatch workflow run");
    for (const host of PRODUCTION_HOSTS) expect(world.current(host), host).toBeNull();
    // The refused run is not Shipline's: it neither fails the stage nor triggers a rollback or a lock.
    expect(world.check("shipline / production", release.sha)?.output.title).toMatch(/^Waiting: four-eyes/);
    expect(world.repo.dispatches.filter((d) => d.inputs.mode === "rollback")).toEqual([]);
    expect(world.repo.variables.get("production/SHIPLINE_LOCK")).toBeUndefined();
    expect(world.violations()).toEqual([]);
  });
});
