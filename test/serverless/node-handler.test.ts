// The plain Node (req, res) handler (lib/serverless/handler.js) mounted on http.createServer in its own
// process, as Cloud Run, Azure Functions or any Node host would, against the GitHub stand-in.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { threeStages } from "../../tools/e2e/configs.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import { type RunningStandin, startStandin } from "../../tools/standin/index.js";
import { releasePayload } from "../../tools/standin/payloads.js";
import { buildServerless, functionEnv, post, sign, startNodeHost } from "./invoke.js";

const APP_ID = 1234;
const SECRET = "node-webhook-secret";
const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

describe("plain Node request handler", () => {
  let gh: RunningStandin;
  let host: Awaited<ReturnType<typeof startNodeHost>>;
  let root: string;

  beforeAll(async () => {
    buildServerless();
    root = mkdtempSync(join(tmpdir(), "shipline-node-handler-"));
    gh = await startStandin({ repo: "acme/web", webhookSecret: SECRET, appId: APP_ID });
    gh.standin.setFile(".github/shipline.yml", threeStages(join(root, "targets")));
    host = await startNodeHost(functionEnv(gh.url, APP_ID, SECRET));
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await gh?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("handles a signed release.published: check runs and the stage 1 dispatch, with the production throttle", {
    timeout: 60_000,
  }, async () => {
    const release = gh.standin.createRelease({
      tag: "v1.0.0",
      assets: releaseAssets(root, "v1.0.0"),
      author: BOT,
    });
    const raw = JSON.stringify(
      releasePayload(gh.standin.payloadContext(gh.standin.repo()), "published", release, BOT),
    );
    const status = await post(`${host.url}/api/github/webhooks`, "release", raw, sign(SECRET, raw));

    expect(status).toBeLessThan(300);
    const repo = gh.standin.repo();
    // Writes are spaced 1 s apart (the production policy) and Probot answers 202 after ~9 s even while the
    // handler still works: wait for the handler's last write.
    for (let waited = 0; waited < 60_000; waited += 200) {
      const stage = repo.checkRuns.find((c) => c.headSha === release.sha && c.name === "shipline / staging");
      if (repo.dispatches.length > 0 && stage?.detailsUrl) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(repo.dispatches.map((d) => [d.inputs.release, d.inputs.stage])).toEqual([["v1.0.0", "staging"]]);
    // The release's check run and stage 1's (later stages get theirs when they start).
    expect(repo.checkRuns.filter((c) => c.headSha === release.sha)).toHaveLength(2);
    gh.assertNoViolations();
  });

  it("refuses a bad signature without a request to GitHub; serves /healthz; 404 elsewhere", async () => {
    const before = gh.standin.requests.length;
    const raw = JSON.stringify({ action: "published" });
    expect(await post(`${host.url}/api/github/webhooks`, "release", raw, sign("wrong", raw))).toBe(400);
    expect(gh.standin.requests.length).toBe(before);

    const health = await httpFetch(`${host.url}/healthz`, {});
    expect(health.status).toBe(200);
    expect((await health.json()) as object).toMatchObject({ status: "ok", version: "0.1.0" });
    const other = await httpFetch(`${host.url}/nothing-here`, {});
    await other.arrayBuffer();
    expect(other.status).toBe(404);
  });
});
