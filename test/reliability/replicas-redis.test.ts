// Two App replicas (node lib/app/server.js, as `npm start` runs them) share one real Redis for GitHub rate
// limiting (REDIS_URL: Probot hands octokit's throttling plugin a Bottleneck Redis connection, which
// src/app/octokit.ts keeps and also uses for the installation's write budget). The same release delivered to both at once is dispatched exactly once.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { type RunningStandin, startStandin } from "../../tools/standin/index.js";
import { releasePayload } from "../../tools/standin/payloads.js";
import { deliver, type RedisServer, type Replica, startRedis, startReplica } from "./replica.js";

const APP_ID = 1234;
const SECRET = "replica-secret";
const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

describe("several replicas behind a load balancer, sharing Redis", () => {
  let redis: RedisServer;
  let gh: RunningStandin;
  let replicas: Replica[] = [];
  let root: string;

  beforeAll(async () => {
    buildApp();
    root = mkdtempSync(join(tmpdir(), "shipline-replicas-"));
    redis = await startRedis();
    gh = await startStandin({ repo: "acme/web", webhookSecret: SECRET, appId: APP_ID });
    gh.standin.setFile(".github/shipline.yml", threeStages(join(root, "targets")));
    replicas = await Promise.all(
      [1, 2].map(() =>
        startReplica({
          githubUrl: gh.url,
          appId: APP_ID,
          webhookSecret: SECRET,
          env: { REDIS_URL: redis.url },
        }),
      ),
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await gh?.stop();
    await redis?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("one release delivered to both replicas at once is dispatched once; their throttling lives in Redis", {
    timeout: 120_000,
  }, async () => {
    const release = gh.standin.createRelease({
      tag: "v2.0.0",
      assets: releaseAssets(root, "v2.0.0"),
      author: BOT,
    });
    const payload = releasePayload(gh.standin.payloadContext(gh.standin.repo()), "published", release, BOT);
    const id = randomUUID();
    const statuses = await Promise.all(
      replicas.map((r) => deliver(r.webhookUrl, SECRET, "release", payload, id)),
    );
    expect(statuses.every((s) => s < 300)).toBe(true);
    // Probot answers 202 after ~9 s even while a handler is still working (its writes are spaced 1 s apart,
    // fleet-wide): wait for the dispatch, then for quiet, so a second dispatch would be seen too.
    const repo = gh.state.get("acme/web")!;
    for (let waited = 0; repo.dispatches.length === 0 && waited < 60_000; waited += 200)
      await new Promise((r) => setTimeout(r, 200));
    for (let before = -1; before !== gh.standin.requests.length; ) {
      before = gh.standin.requests.length;
      await new Promise((r) => setTimeout(r, 3_000));
    }

    expect(repo.dispatches.map((d) => [d.inputs.release, d.inputs.stage])).toEqual([["v2.0.0", "staging"]]);
    expect(
      repo.checkRuns
        .filter((c) => c.headSha === release.sha)
        .map((c) => c.name)
        .sort(),
    ).toEqual(["shipline", "shipline / staging"]); // later stages get their check run when they start
    // Both replicas' octokit throttling used the shared Redis (Bottleneck's cluster keys, one per limiter).
    const keys = redis.keys();
    expect(keys.some((k) => k.startsWith(`b_octokit-global-shipline-${APP_ID}`))).toBe(true);
    // Writes draw on the installation's write budget, one log in Redis for the whole fleet.
    expect(keys.some((k) => k.startsWith(`shipline-writes:${APP_ID}:`))).toBe(true);
    const logs = replicas.map((r) => r.log()).join("\n");
    expect(logs).not.toMatch(/"source":"bottleneck"|ECONNREFUSED/);
    expect(gh.violations).toEqual([]);
  });
});
