// The plain Node (req, res) handler (lib/serverless/handler.js) mounted on http.createServer in its own
// process, as Cloud Run, Azure Functions or any Node host would, against the GitHub stand-in.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threeStages } from "../../tools/e2e/configs.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import { post, sign, startNodeHost } from "./invoke.js";
import { type ServerlessWorld, startServerlessWorld } from "./world.js";

describe("plain Node request handler", () => {
  let world: ServerlessWorld;
  let host: Awaited<ReturnType<typeof startNodeHost>>;

  beforeAll(async () => {
    world = await startServerlessWorld({
      name: "node-handler",
      secret: "node-webhook-secret",
      config: (root) => threeStages(join(root, "targets")),
    });
    host = await startNodeHost(world.env);
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await world?.stop();
  });

  it("handles a signed release.published: check runs and the stage 1 dispatch, with the production throttle", {
    timeout: 60_000,
  }, async () => {
    const { release, raw } = world.publish("v1.0.0");
    const status = await post(`${host.url}/api/github/webhooks`, "release", raw, world.sign(raw));

    expect(status).toBeLessThan(300);
    const repo = world.gh.standin.repo();
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
    world.gh.assertNoViolations();
  });

  it("refuses a bad signature without a request to GitHub; serves /healthz; 404 elsewhere", async () => {
    const before = world.gh.standin.requests.length;
    const raw = JSON.stringify({ action: "published" });
    expect(await post(`${host.url}/api/github/webhooks`, "release", raw, sign("wrong", raw))).toBe(400);
    expect(world.gh.standin.requests.length).toBe(before);

    const health = await httpFetch(`${host.url}/healthz`, {});
    expect(health.status).toBe(200);
    expect((await health.json()) as object).toMatchObject({ status: "ok", version: "0.1.0" });
    const other = await httpFetch(`${host.url}/nothing-here`, {});
    await other.arrayBuffer();
    expect(other.status).toBe(404);
  });
});
