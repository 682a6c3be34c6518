// The release's `shipline` check run tells the release's fate, end to end with the real App and Action: held by
// a lock it says so (and stays in progress, as GitHub never reopens a completed check run), then fully deployed
// with a timeline of every stage's outcome and the hold, in time order. No check run shows buttons before it
// completes (GitHub would not display them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { World } from "../../tools/e2e/world.js";
import type { Release } from "../../tools/standin/state.js";
import { startGatedWorld } from "../support/gated-world.js";

describe("the release's check run ends with the release's fate", () => {
  let world: World;
  let release: Release;
  const fate = () => world.check("shipline", release.sha);

  beforeAll(async () => {
    world = await startGatedWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("held by a lock: in progress, titled with who holds production and why", {
    timeout: 90_000,
  }, async () => {
    await world.comment("carol", "/lock production -- migrating the database");
    await world.settle();
    release = await world.publish("v1.0.0");
    await world.settle();

    expect(world.current("stg-1"), world.log()).toBe("v1.0.0");
    expect(world.check("shipline / production", release.sha)?.status).toBe("queued");
    expect(fate(), world.log()).toMatchObject({ status: "in_progress", conclusion: null });
    expect(fate()?.output.title).toMatch(/^Held before production: production is locked by @carol/);
    expect(fate()?.output.summary).toContain("migrating the database");
  });

  it("after /unlock and /deploy: fully deployed, with a timeline in time order", {
    timeout: 120_000,
  }, async () => {
    await world.comment("carol", "/unlock production");
    await world.settle();
    await world.comment("dave", "/deploy v1.0.0 to production");
    await world.settle();

    expect(fate(), world.log()).toMatchObject({ status: "completed", conclusion: "success" });
    expect(fate()?.output.title).toBe("v1.0.0 is fully deployed");
    const summary = fate()?.output.summary ?? "";
    expect(summary).not.toContain("Held before");
    expect(summary.match(/### Timeline/g)).toHaveLength(1);
    const rows = summary
      .split("### Timeline")[1]!
      .split("\n")
      .filter((l) => /^\| \d{4}-/.test(l));
    const times = rows.map((r) => r.slice(2, 22));
    expect(times).toEqual([...times].sort());
    const what = rows.map((r) => r.split(" | ").slice(1).join(" | "));
    const at = (pattern: RegExp) => what.findIndex((w) => pattern.test(w));
    expect(at(/^staging \| staging success/), what.join("\n")).toBeGreaterThan(-1);
    // The hold is decided as staging's success arrives (its time is the decision's, the success's is the write's).
    expect(at(/^production \| held before production: lock closed/), what.join("\n")).toBeGreaterThan(
      at(/^staging \| deploy job dispatched/),
    );
    expect(at(/^production \| production success/), what.join("\n")).toBeGreaterThan(
      Math.max(at(/held before production/), at(/staging success/)),
    );
    // Nothing claims production started when the release was published.
    expect(what.some((w) => /production (queued|in progress)/.test(w))).toBe(false);
    expect(world.violations()).toEqual([]);
  });

  it("never shows buttons on a check run that has not completed", () => {
    const runs = world.repo.checkRuns.filter((c) => c.name.startsWith("shipline"));
    expect(runs.length).toBeGreaterThan(0);
    for (const c of runs) {
      const actions = (c as unknown as { actions?: unknown[] }).actions ?? [];
      if (c.status !== "completed") expect(actions, c.name).toEqual([]);
    }
    const production = world.check("shipline / production", release.sha) as unknown as {
      actions?: { identifier: string }[];
    };
    expect(production.actions?.map((a) => a.identifier)).toEqual(["rollback"]);
  });
});
