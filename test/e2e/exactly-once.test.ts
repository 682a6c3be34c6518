// Webhooks arrive twice, or at two replicas at once: the claim ref lets exactly one App process dispatch.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { releasePayload } from "../../tools/standin/payloads.js";

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
    expect(checksOf(release.sha)).toEqual([
      "shipline",
      "shipline / canary",
      "shipline / production",
      "shipline / staging",
    ]);
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
    expect(checksOf(release.sha)).toEqual([
      "shipline",
      "shipline / canary",
      "shipline / production",
      "shipline / staging",
    ]);
    expect(world.violations()).toEqual([]);
  });
});
