// Serverless hosts run no timer: the tick workflow's completed run (a webhook) wakes waiting stages there. The plain
// Node handler in its own process, against the stand-in: a release held by a freeze is dispatched by the first
// tick after the freeze ends, and that tick, finding nothing else waiting, turns the tick workflow off.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threeStages } from "../../tools/e2e/configs.js";
import { workflowState } from "../../tools/standin/routes/workflows.js";
import { examplePayload } from "../support/webhooks.js";
import { post, startNodeHost } from "./invoke.js";
import { type ServerlessWorld, startServerlessWorld } from "./world.js";

async function until(what: string, done: () => boolean, log: () => string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 200) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}\n${log()}`);
}

describe("the tick workflow on a serverless host", () => {
  let world: ServerlessWorld;
  let host: Awaited<ReturnType<typeof startNodeHost>>;

  beforeAll(async () => {
    world = await startServerlessWorld({
      name: "tick",
      secret: "node-webhook-secret",
      workflows: ["shipline.yml", "shipline-tick.yml"],
    });
    host = await startNodeHost(world.env);
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    await world?.stop();
  });

  it("a held stage is dispatched by the first tick after its gate opens; the tick workflow then goes off", {
    timeout: 120_000,
  }, async () => {
    const repo = world.gh.standin.repo();
    const freezeEnds = new Date(Date.now() + 8_000);
    const freeze = `gates: { freezes: [{ from: "2026-01-01T00:00:00Z", until: "${freezeEnds.toISOString()}", reason: "maintenance" }] }\n`;
    world.gh.standin.setFile(".github/shipline.yml", threeStages(join(world.root, "targets"), freeze));
    const { release, payload: published, raw } = world.publish("v1.0.0");
    expect(await post(`${host.url}/api/github/webhooks`, "release", raw, world.sign(raw))).toBeLessThan(300);
    const staging = () =>
      repo.checkRuns.find((c) => c.headSha === release.sha && c.name === "shipline / staging");
    await until("the hold", () => !!staging()?.output.title?.startsWith("Waiting: freeze"), host.log);
    expect(repo.dispatches).toEqual([]);
    expect(workflowState(repo, "shipline-tick.yml")).toBe("active");

    const tick = () => {
      // biome-ignore lint/suspicious/noExplicitAny: a real payload, edited to name this repository's tick run.
      const payload = examplePayload("workflow_run", "completed") as any;
      payload.repository = published.repository;
      payload.installation = published.installation;
      payload.workflow_run.path = ".github/workflows/shipline-tick.yml";
      const body = JSON.stringify(payload);
      return post(`${host.url}/api/github/webhooks`, "workflow_run", body, world.sign(body));
    };
    await until("the end of the freeze", () => Date.now() > freezeEnds.getTime() + 500, host.log);
    expect(await tick()).toBeLessThan(300);
    await until("the dispatch of staging", () => repo.dispatches.length > 0, host.log);
    expect(repo.dispatches.map((d) => [d.inputs.release, d.inputs.stage])).toEqual([["v1.0.0", "staging"]]);
    await until(
      "the tick workflow turned off",
      () => workflowState(repo, "shipline-tick.yml") === "disabled_manually",
      host.log,
    );
    world.gh.assertNoViolations();
  });
});
