// The real App (probot run) against the GitHub stand-in, the real built Action on directory targets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";

const HOSTS = ["stg-1", "web-1", "web-2", "web-3", "web-4"];

describe("a published release goes through staging, canary and production", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (root) => threeStages(root),
      environments: { staging: { customRule: true }, production: { customRule: true } },
    });
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("installs the release on every target, one dispatch per stage, all check runs green", {
    timeout: 180_000,
  }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();
    const sha = release.sha;

    expect(world.repo.dispatches.map((d) => ({ ref: d.ref, inputs: d.inputs }))).toEqual(
      ["staging", "canary", "production"].map((stage) => ({
        ref: "v1.0.0",
        inputs: {
          release: "v1.0.0",
          stage,
          mode: "rollout",
          pipeline: "default",
          environment: stage === "staging" ? "staging" : "production",
        },
      })),
    );
    for (const name of ["shipline / staging", "shipline / canary", "shipline / production"]) {
      expect(world.check(name, sha), `${name}\n${world.log()}`).toMatchObject({
        status: "completed",
        conclusion: "success",
      });
    }
    expect(world.check("shipline", sha)).toMatchObject({ status: "completed", conclusion: "success" });
    expect(world.check("shipline", sha)?.output.title).toMatch(/fully deployed/i);
    // Shipline's own check runs (the jobs' check runs belong to GitHub Actions).
    expect(world.repo.checkRuns.filter((c) => c.headSha === sha && !c.owner)).toHaveLength(4);

    for (const host of HOSTS) expect(world.current(host), host).toBe("v1.0.0");
    expect(world.actions.map((a) => [a.job.inputs.stage, a.result.exitCode])).toEqual([
      ["staging", 0],
      ["canary", 0],
      ["production", 0],
    ]);
    // Canary touched one host per region; production deployed the rest.
    const canaryTargets = JSON.parse(world.actions[1]?.result.outputs.targets ?? "[]") as string[];
    expect(canaryTargets).toHaveLength(2);
    expect(world.repo.runs.every((r) => r.conclusion === "success")).toBe(true);
    expect(world.violations()).toEqual([]);
  });
});
