// A monorepo tags 30 services at once: 30 release.published deliveries arrive together. GitHub allows an
// installation only so many content-creating requests (80 a minute, 500 an hour); the stand-in enforces the
// same kind of limit, scaled down so the test takes seconds (403 + retry-after beyond it). The App processes run
// as `npm start` runs them, with SHIPLINE_WRITE_BUDGET set to the scaled limits.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { releasePayload } from "../../tools/standin/payloads.js";
import { type RedisServer, startRedis } from "./replica.js";

const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };
const RELEASES = 30;
/** The stand-in's secondary limits: GitHub's shape (a short and a long window), scaled down. */
const LIMITS = [
  { limit: 20, windowMs: 2_000 },
  { limit: 100, windowMs: 10_000 },
];
/** Once stage 1 is dispatched: the release's check run and stage 1's (later stages get theirs when they start). */
const STAGES = ["shipline", "shipline / staging"];

let world: World | undefined;
let redis: RedisServer | undefined;
afterEach(async () => {
  await world?.stop();
  await redis?.stop();
  world = undefined;
  redis = undefined;
});

/** Publishes RELEASES releases and delivers every release.published at once, spread over the App processes. */
async function burst(w: World): Promise<string[]> {
  const tags = Array.from({ length: RELEASES }, (_, i) => `svc-${String(i).padStart(2, "0")}-v1.0.0`);
  const deliveries = tags.map((tag, i) => {
    const release = w.gh.standin.createRelease({ tag, assets: releaseAssets(w.root, tag), author: BOT });
    const payload = releasePayload(w.gh.standin.payloadContext(w.repo), "published", release, BOT);
    const app = w.apps[i % w.apps.length]!;
    return () => w.deliverTo(app, "release", payload, randomUUID());
  });
  const statuses = await Promise.all(deliveries.map((d) => d()));
  expect(statuses.every((s) => s < 300)).toBe(true);
  // Paced writes leave quiet gaps longer than settle() waits for: wait for every dispatch, then for quiet.
  await w.waitFor(
    "every release dispatched",
    () => tags.every((tag) => w.repo.dispatches.some((d) => d.inputs.release === tag)),
    180_000,
  );
  await quiet(w);
  return tags;
}

/** Waits until the stand-in has seen no request for 3 s (longer than any pacing wait at these limits). */
async function quiet(w: World): Promise<void> {
  for (;;) {
    const before = w.gh.standin.requests.length;
    await w.settle();
    await new Promise((r) => setTimeout(r, 3_000));
    if (w.gh.standin.requests.length === before) return;
  }
}

/** Every release dispatched exactly once, with its check runs created once and nothing failed or stale. */
function expectFullyDispatched(w: World, tags: string[]): void {
  for (const tag of tags) {
    const release = w.repo.releases.find((r) => r.tag === tag)!;
    expect(
      w.repo.dispatches.filter((d) => d.inputs.release === tag).map((d) => d.inputs.stage),
      tag,
    ).toEqual(["staging"]);
    const checks = w.repo.checkRuns.filter((c) => c.headSha === release.sha);
    expect(checks.map((c) => c.name).sort(), tag).toEqual(STAGES);
    expect(
      checks.filter((c) => c.conclusion === "failure" || c.conclusion === "action_required"),
      tag,
    ).toEqual([]);
    const claims = [...w.repo.refs.keys()].filter((r) =>
      r.startsWith(`refs/shipline/${encodeURIComponent(tag)}/`),
    );
    expect(claims, tag).toEqual([`refs/shipline/${encodeURIComponent(tag)}/staging-rollout-1`]);
  }
  // No rate-limit error reached anything a user reads.
  const shown = w.repo.checkRuns
    .map((c) => `${c.output.title ?? ""} ${c.output.summary ?? ""} ${c.output.text ?? ""}`)
    .join("\n");
  // (403 as a word: ids and times in the summaries' records may contain the digits.)
  expect(shown).not.toMatch(/rate limit|secondary|\b403\b|Could not start/i);
  expect(w.repo.comments).toEqual([]);
  expect(w.violations()).toEqual([]);
}

/**
 * The releases whose writes queued longest were shown waiting for the budget first (their `shipline` check run,
 * queued, saying why), and then started in that same check run: nothing still says waiting.
 */
function expectShownWaiting(w: World): void {
  const waiting = /^Waiting for GitHub's write budget: \S+ starts in about \d+ s$/;
  const release = w.repo.checkRuns.filter((c) => c.name === "shipline");
  const shown = release.filter(
    (c) => c.writes?.[0]?.status === "queued" && waiting.test(c.writes[0].title ?? ""),
  );
  expect(shown.length).toBeGreaterThan(0);
  expect(shown.length).toBeLessThan(RELEASES);
  for (const c of release) {
    expect(c.status).toBe("in_progress");
    expect(c.output.title ?? "").not.toMatch(/Waiting for GitHub/);
  }
  expect(w.log()).toMatch(/shown waiting \d+ ms for the write budget/);
}

describe("a burst of 30 releases within GitHub's write budget", () => {
  it("two replicas sharing Redis pace their writes under the limit: all dispatched once, no 403 at all", {
    timeout: 240_000,
  }, async () => {
    buildApp();
    redis = await startRedis();
    world = await startWorld({
      config: (root) => threeStages(root),
      apps: 2,
      runWorkflows: false,
      secondaryLimits: { writes: LIMITS },
      appEnv: {
        REDIS_URL: redis.url,
        SHIPLINE_WRITE_BUDGET: "20/2s,100/10s",
        SHIPLINE_WRITE_SPACING_MS: "0",
      },
    });
    const tags = await burst(world);

    expectFullyDispatched(world, tags);
    const limits = world.gh.standin.limits!;
    // Both replicas drew on one budget in Redis: GitHub (the stand-in) never had to refuse a write,
    // and no window ever held more than its limit.
    expect(limits.refused).toEqual([]);
    const app = world.gh.standin.appBot.login;
    expect(limits.peak(app, 2_000)).toBeLessThanOrEqual(20);
    expect(limits.peak(app, 10_000)).toBeLessThanOrEqual(100);
    expect(limits.accepted.get(app)?.length).toBeGreaterThan(100);
    expect(redis.keys().some((k) => k.startsWith("shipline-writes:1234:"))).toBe(true);
    expect(world.log()).toMatch(/write budget of installation 1234:\d+: waited/);
    expectShownWaiting(world);
  });

  it("a budget set too high meets GitHub's 403 + retry-after: waited out, all dispatched once", {
    timeout: 240_000,
  }, async () => {
    buildApp();
    world = await startWorld({
      config: (root) => threeStages(root),
      runWorkflows: false,
      secondaryLimits: { writes: LIMITS },
      // Twice what the stand-in allows: the App runs into the limit and has to wait it out.
      appEnv: { SHIPLINE_WRITE_BUDGET: "40/2s,200/10s", SHIPLINE_WRITE_SPACING_MS: "0" },
    });
    const tags = await burst(world);

    expect(world.gh.standin.limits!.refused.length).toBeGreaterThan(0);
    expectFullyDispatched(world, tags);
    expect(world.log()).toMatch(/secondary rate limit on POST .*holding installation/);
    expect(world.log()).not.toMatch(/giving up/);
  });
});
