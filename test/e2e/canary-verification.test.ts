// A canary verified against a real Prometheus (Debian's binary) scraping a service whose error ratio per
// version the test sets: a healthy release goes through; a failing one is rolled back automatically and the
// environment locked; one with no traffic at all is inconclusive and waits for a human.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { verifiedCanary } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { type MetricsService, startMetricsService } from "../support/metrics-service.js";
import { type PrometheusServer, startPrometheus } from "../support/prometheus.js";

const HOSTS = ["web-1", "web-2", "web-3", "web-4"];

describe("a canary verified against Prometheus", () => {
  let world: World;
  let service: MetricsService;
  let prometheus: PrometheusServer;
  const dispatchesOf = (tag: string) =>
    world.repo.dispatches
      .filter((d) => d.inputs.release === tag || d.inputs.from === tag)
      .map((d) => `${d.inputs.release} ${d.inputs.stage} ${d.inputs.mode}`);
  /** The error annotation on the check run of a deploy job (by workflow run id). */
  const jobAnnotation = (runId: number | undefined) => {
    const checkId = world.repo.runs.find((r) => r.id === runId)?.jobCheckRunId;
    const check = world.repo.checkRuns.find((c) => c.id === checkId && c.owner === "github-actions");
    return check?.annotations?.find((a) => a.level === "failure");
  };
  const canaryHosts = (tag: string) => {
    const job = world.actions.find((a) => a.job.inputs.release === tag && a.job.inputs.stage === "canary");
    return JSON.parse(job?.result.outputs.targets ?? "[]") as string[];
  };

  beforeAll(async () => {
    buildApp();
    // v1.0.0 serves 1% errors, v1.1.0 30%; v1.2.0 serves no traffic at all.
    service = await startMetricsService({ versions: { "v1.0.0": 0.01, "v1.1.0": 0.3 }, noise: 0.1 });
    prometheus = await startPrometheus({ targets: [service.address], scrapeInterval: "1s" });
    world = await startWorld({
      config: (root) => verifiedCanary(root, prometheus.url),
      environments: { production: { customRule: true } },
    });
    // rate() over [10s] needs a few scrapes of history.
    await service.waitForScrapes(4, 30_000);
  }, 90_000);
  afterAll(async () => {
    await world?.stop();
    await prometheus?.stop();
    await service?.close();
  });

  it("a healthy release passes canary verification and is promoted", { timeout: 120_000 }, async () => {
    const release = await world.publish("v1.0.0");
    await world.settle();

    expect(dispatchesOf("v1.0.0"), world.log()).toEqual([
      "v1.0.0 canary rollout",
      "v1.0.0 production rollout",
    ]);
    const canary = world.check("shipline / canary", release.sha);
    expect(canary, world.log()).toMatchObject({ status: "completed", conclusion: "success" });
    // The Action's verification report (each round) is copied from the job's annotations into the stage check run.
    expect(canary?.output.summary).toContain("### Verification");
    expect(canary?.output.summary).toMatch(/error-rate/);
    const canaryJob = world.actions.find((a) => a.job.inputs.stage === "canary");
    expect(canaryJob?.result.exitCode).toBe(0);
    expect(canaryJob?.result.summary).toMatch(/error-rate/);
    const touched = canaryHosts("v1.0.0");
    expect(touched).toHaveLength(2);
    // The canary's title says what it covers, never "live in production".
    expect(canary?.output.title).toBe("v1.0.0 is live on 2 of 4 production hosts (canary)");
    for (const host of touched) expect(world.current(host), host).toBe("v1.0.0");
  });

  // The canary has no bake (bakes run on the App's clock: test/e2e/bake.test.ts), so production follows its success.
  it("... and reaches production, fully deployed", () => {
    const release = world.repo.releases.find((r) => r.tag === "v1.0.0");
    expect(world.check("shipline / production", release?.sha ?? "")).toMatchObject({ conclusion: "success" });
    expect(world.check("shipline", release?.sha ?? "")?.output.title).toMatch(/fully deployed/i);
    for (const host of HOSTS) expect(world.current(host), host).toBe("v1.0.0");
  });

  it("a release whose error ratio is 30% fails verification: rolled back, environment locked, production skipped", {
    timeout: 120_000,
  }, async () => {
    const release = await world.publish("v1.1.0");
    await world.settle();

    const canaryJob = world.actions.find((a) => a.job.inputs.release === "v1.1.0");
    expect(canaryJob?.result.exitCode).not.toBe(0);
    // The runner turned the Action's `::error title=...::` line into an annotation on the job's check run.
    expect(jobAnnotation(canaryJob?.job.runId)).toMatchObject({
      level: "failure",
      title: "shipline: verification failed",
      message: expect.stringMatching(/error-rate[\s\S]*above max 0\.05/),
    });

    expect(dispatchesOf("v1.1.0"), world.log()).toEqual(["v1.1.0 canary rollout", "v1.0.0 canary rollback"]);
    const rollback = world.repo.dispatches.find((d) => d.inputs.mode === "rollback");
    expect(rollback).toMatchObject({ ref: "v1.0.0", inputs: { from: "v1.1.0", environment: "production" } });
    const canary = world.check("shipline / canary", release.sha);
    expect(canary).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(`${canary?.output.title}\n${canary?.output.summary}`).toMatch(/verification/i);
    expect(world.check("shipline / production", release.sha)?.conclusion).not.toBe("success");
    expect(world.check("shipline", release.sha)?.conclusion).toBe("failure");

    const lock = world.repo.variables.get("production/SHIPLINE_LOCK");
    expect(lock?.value, world.log()).toContain("shipline[bot]");
    const rolledBack = world.actions.find((a) => a.job.inputs.mode === "rollback");
    expect(rolledBack?.result.exitCode, rolledBack?.result.stdout).toBe(0);
    // The rollback reinstalled v1.0.0 on the hosts the failed canary touched; no host runs v1.1.0.
    const touched = canaryHosts("v1.1.0");
    expect(touched).toHaveLength(2);
    for (const host of touched) expect(world.current(host), host).toBe("v1.0.0");
    for (const host of HOSTS) expect(world.current(host), host).not.toBe("v1.1.0");
    // Only the canary moved, and only the canary moved back: the release's check run says so.
    // The failed stage said where it goes back to at once; the release's check run is written once, at the end.
    expect(canary?.output.summary).toContain("Rolling the canary hosts back to `v1.0.0` automatically.");
    const fate = world.check("shipline", release.sha)?.output.summary ?? "";
    expect(fate, world.log()).toContain("❌ Verification of v1.1.0 failed in canary.");
    expect(fate).toContain("the canary hosts (2 of 4 in production) run `v1.0.0` again");
    expect(fate).not.toMatch(/production runs `?v1\.0\.0`? again|live in production/);
  });

  it("a release with no traffic is inconclusive: the pipeline waits for /promote or /rollback", {
    timeout: 120_000,
  }, async () => {
    // The automatic rollback locked production with the App as owner; a person lifts it first.
    world.gh.standin.setPermission("carol", "write");
    await world.comment("carol", "/unlock production");
    await world.settle();
    expect(world.repo.variables.get("production/SHIPLINE_LOCK"), world.log()).toBeUndefined();
    const release = await world.publish("v1.2.0");
    await world.settle();

    const canaryJob = world.actions.find((a) => a.job.inputs.release === "v1.2.0");
    expect(jobAnnotation(canaryJob?.job.runId), world.log()).toMatchObject({
      level: "failure",
      title: "shipline: verification inconclusive",
    });
    const canary = world.check("shipline / canary", release.sha);
    expect(canary, world.log()).toMatchObject({ status: "completed", conclusion: "action_required" });
    expect(canary?.output.title).toBe("Verification inconclusive: /promote or /rollback");
    // Neither a rollback nor production: a human decides.
    expect(dispatchesOf("v1.2.0")).toEqual(["v1.2.0 canary rollout"]);
    expect(world.check("shipline / production", release.sha)?.conclusion).not.toBe("success");
    expect(world.violations()).toEqual([]);
  });
});
