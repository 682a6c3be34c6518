// Four-eyes on a production stage, on every plan: Shipline holds production before dispatching anything until
// someone other than the people behind the release approves with `/approve`. Run where GitHub offers custom
// protection rules (Enterprise, public repositories: the rule re-checks at job start) and where it does not
// (a private repository on Free, Pro or Team), and with a release CI published for alice's commit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { stagingProduction } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import type { Release } from "../../tools/standin/state.js";

const ALICE = { login: "alice", id: 7001, type: "User" as const };
const PRODUCTION_HOSTS = ["web-1", "web-2", "web-3", "web-4"];

const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

describe.each([
  { plan: "with protection rules", rule: true, ci: false },
  { plan: "without protection rules (private, GitHub Team)", rule: false, ci: false },
  { plan: "without protection rules, released by CI", rule: false, ci: true },
])("a production stage waiting for approval, $plan", ({ rule, ci }) => {
  let world: World;
  let release: Release;
  /** The `/approve ...` command the waiting stage's check run tells users to comment. */
  let suggested: string | undefined;
  const production = () => world.check("shipline / production", release.sha);
  const waitingRun = () =>
    world.repo.runs.find((r) => r.inputs.stage === "production" && r.inputs.mode === "rollout");

  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (root) => stagingProduction(root),
      ...(rule ? { environments: { staging: { customRule: true }, production: { customRule: true } } } : {}),
      // The production job waits for approval across both tests.
      protectionTimeoutMs: 170_000,
    });
    world.gh.standin.setPermission("alice", "write");
    world.gh.standin.setPermission("bob", "write");
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("holds production before any dispatch, and the check run says how to approve", {
    timeout: 90_000,
  }, async () => {
    // alice publishes the release CI built (github-actions[bot] uploaded its assets); or CI publishes it for
    // alice's commit, and the people behind the commit may not approve it either.
    release = await world.publish("v1.0.0", undefined, ci ? BOT : ALICE);
    if (ci) world.repo.commitPeople.set(release.sha, { author: ALICE, committer: ALICE });
    await world.waitFor("production to wait for approval", () =>
      /^Waiting: four-eyes/.test(production()?.output.title ?? ""),
    );

    expect(world.current("stg-1")).toBe("v1.0.0");
    // Nothing was dispatched for production: no job runs, none waits.
    expect(waitingRun()).toBeUndefined();
    expect(production()).toMatchObject({ status: "queued", conclusion: null });
    expect(production()?.output.summary).toContain("/approve v1.0.0");
    suggested = /`(\/approve [^`]+)`/.exec(production()?.output.summary ?? "")?.[1];
    for (const host of PRODUCTION_HOSTS) expect(world.current(host), host).toBeNull();
  });

  it("refuses an approval by the release's author, naming why; the job keeps waiting", {
    timeout: 90_000,
  }, async () => {
    const comment = await world.comment("alice", "/approve v1.0.0 to production");
    await world.waitFor("Shipline's reply", () =>
      world.repo.comments.some((c) => c.user.type === "Bot" && c.id > comment.id),
    );
    const reply = world.repo.comments.find((c) => c.user.type === "Bot" && c.id > comment.id);
    expect(reply?.body).toMatch(/@alice/);
    if (!ci) expect(reply?.body).toMatch(/published v1\.0\.0|own deploy|four-eyes/i);
    await world.settle();

    // Her approval does not count: production is still held, nothing dispatched.
    expect(waitingRun()).toBeUndefined();
    expect(production()?.status).not.toBe("completed");
    for (const host of PRODUCTION_HOSTS) expect(world.current(host), host).toBeNull();
  });

  it("lets another writer's /approve start production: it deploys, the release is fully deployed", {
    timeout: 120_000,
  }, async () => {
    await world.comment("bob", "/approve v1.0.0 to production");
    await world.settle();

    expect(waitingRun()?.conclusion).toBe("success");
    // Where the protection rule exists it checked the gates again at job start and approved.
    if (rule)
      expect(world.repo.reviews.find((r) => r.runId === waitingRun()?.id && r.state)).toMatchObject({
        state: "approved",
      });
    expect(production(), world.log()).toMatchObject({ status: "completed", conclusion: "success" });
    expect(production()?.output.summary).toContain('"login":"bob"');
    for (const host of PRODUCTION_HOSTS) expect(world.current(host), host).toBe("v1.0.0");
    const overall = world.check("shipline", release.sha);
    expect(overall).toMatchObject({ status: "completed", conclusion: "success" });
    expect(overall?.output.title).toMatch(/fully deployed/i);
    expect(world.violations()).toEqual([]);
  });

  it("the approval command the check run suggests is one Shipline accepts", () => {
    expect(suggested).toMatch(/^\/approve v1\.0\.0/);
    expect(suggested).toBe("/approve v1.0.0 to production");
  });
});
