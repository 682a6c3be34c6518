// Webhooks arrive twice, or at two replicas at once: the claim ref lets exactly one App process dispatch.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { issueCommentPayload, releasePayload } from "../../tools/standin/payloads.js";

/** The check runs once stage 1 is dispatched: the release's, and stage 1's (later stages get theirs when they start). */
const STARTED = ["shipline", "shipline / staging"];

const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

describe("duplicate release.published deliveries", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    // No runner: the dispatches are recorded, nothing runs, so only release.published is in play.
    world = await startWorld({ config: (root) => threeStages(root), apps: 2, runWorkflows: false });
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  const published = (tag: string) => {
    const release = world.gh.standin.createRelease({
      tag,
      assets: releaseAssets(world.root, tag),
      author: BOT,
    });
    return {
      release,
      payload: releasePayload(world.gh.standin.payloadContext(world.repo), "published", release, BOT),
    };
  };
  const dispatchesOf = (tag: string) => world.repo.dispatches.filter((d) => d.inputs.release === tag);
  const checksOf = (sha: string) =>
    world.repo.checkRuns
      .filter((c) => c.headSha === sha)
      .map((c) => c.name)
      .sort();

  it("the same delivery sent twice to one App dispatches stage 1 once", { timeout: 120_000 }, async () => {
    const { release, payload } = published("v1.0.0");
    const [app] = world.apps;
    const id = randomUUID();
    expect(await world.deliverTo(app!, "release", payload, id)).toBeLessThan(300);
    expect(await world.deliverTo(app!, "release", payload, id)).toBeLessThan(300);
    await world.settle();

    expect(dispatchesOf("v1.0.0").map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(checksOf(release.sha)).toEqual(STARTED);
    expect(world.violations()).toEqual([]);
  });

  it("one delivery to two App processes at once dispatches stage 1 once", { timeout: 120_000 }, async () => {
    const { release, payload } = published("v1.1.0");
    const [a, b] = world.apps;
    const statuses = await Promise.all([
      world.deliverTo(a!, "release", payload),
      world.deliverTo(b!, "release", payload),
    ]);
    expect(statuses.every((s) => s < 300)).toBe(true);
    await world.settle();

    expect(dispatchesOf("v1.1.0").map((d) => d.inputs.stage)).toEqual(["staging"]);
    const claims = [...world.repo.refs.keys()].filter((r) => r.startsWith("refs/shipline/v1.1.0/"));
    expect(claims).toHaveLength(1);
    // The claim comes before any write, so the replica that lost it created no check run either.
    expect(checksOf(release.sha)).toEqual(STARTED);
    expect(world.violations()).toEqual([]);
  });

  /**
   * Probot answers a delivery after 9 s even when its handler is still queued behind the write throttle, so
   * `settle` is not enough: wait until the claimant dispatched and every other handler saw the claim taken (or,
   * reading after the claimant finished, the release already started: it then tries no claim at all).
   */
  const handled = async (tag: string, losers: number) => {
    const claimed = () =>
      world
        .log()
        .split("\n")
        .filter(
          (l) =>
            l.includes(`refs/shipline/${tag}/staging-rollout-1 is already claimed`) ||
            l.includes(`release ${tag}: pipeline already started`),
        ).length;
    await world.waitFor(
      `${tag}: one dispatch and ${losers} handlers that found the claim taken`,
      () => {
        // This release's stage check run (created by the dispatch's write, the last one of the transition).
        const sha = world.repo.releases.find((r) => r.tag === tag)?.sha;
        const staging = world.repo.checkRuns
          .filter((c) => c.name === "shipline / staging" && c.headSha === sha)
          .pop();
        return (
          dispatchesOf(tag).length > 0 &&
          claimed() >= losers &&
          Boolean(staging?.output.summary?.includes("shipline:dispatched"))
        );
      },
      200_000,
    );
    await world.settle();
  };

  it("50 concurrent deliveries of one release.published, with the write throttle of npm start, dispatch once", {
    timeout: 240_000,
  }, async () => {
    const { release, payload } = published("v2.0.0");
    const [a, b] = world.apps;
    // Half to each App process, all at once: every loser waits behind its process's write throttle.
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => world.deliverTo(i % 2 ? a! : b!, "release", payload)),
    );
    expect(statuses.every((s) => s < 300)).toBe(true);
    await handled("v2.0.0", 49);
    expect(dispatchesOf("v2.0.0").map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(checksOf(release.sha)).toEqual(STARTED);
    expect(world.check("shipline / staging", release.sha)?.output.summary).toContain("shipline:dispatched");
    expect(world.violations()).toEqual([]);
  });

  it("a redelivery to an App busy answering 12 /help comments dispatches once and leaves no stage queued", {
    timeout: 240_000,
  }, async () => {
    const { release, payload } = published("v2.1.0");
    const [app] = world.apps;
    const ctx = world.gh.standin.payloadContext(world.repo);
    const helps = Array.from({ length: 12 }, (_, i) => {
      const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      const comment = {
        id: 880000 + i,
        issueNumber: 12,
        body: "/help",
        user: { login: `dev${i}`, id: 71000 + i, type: "User" as const },
        createdAt: at,
        updatedAt: at,
        reactions: [],
      };
      world.repo.comments.push(comment);
      return issueCommentPayload(ctx, comment, { number: 12, title: "Release train" });
    });
    const id = randomUUID();
    const busy = helps.map((p) => world.deliverTo(app!, "issue_comment", p));
    const first = world.deliverTo(app!, "release", payload, id);
    const again = world.deliverTo(app!, "release", payload, id);
    const statuses = await Promise.all([...busy, first, again]);
    expect(statuses.every((s) => s < 300)).toBe(true);
    await handled("v2.1.0", 1);
    expect(dispatchesOf("v2.1.0").map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(checksOf(release.sha)).toEqual(STARTED);
    expect(world.check("shipline / staging", release.sha)?.output.summary).toContain("shipline:dispatched");
    expect(world.violations()).toEqual([]);
  });

  it("a 502 answered after GitHub really dispatched does not start a second run", {
    timeout: 120_000,
  }, async () => {
    const { release, payload } = published("v2.2.0");
    world.gh.standin.failAfterHandling("POST", /\/actions\/workflows\/[^/]+\/dispatches$/, 502);
    const [app] = world.apps;
    expect(await world.deliverTo(app!, "release", payload)).toBeLessThan(300);
    await handled("v2.2.0", 0);
    expect(dispatchesOf("v2.2.0").map((d) => d.inputs.stage)).toEqual(["staging"]);
    const staging = world.check("shipline / staging", release.sha);
    // The App found the run by its run-name: the stage shows it dispatched, not a failure.
    expect(staging?.status).toBe("in_progress");
    expect(staging?.output.summary).toContain("shipline:dispatched");
    expect(world.violations()).toEqual([]);
  });
});
