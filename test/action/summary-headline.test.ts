import { afterAll, beforeAll, expect, it } from "vitest";
import { startVerifiedCanary, type VerifiedCanary } from "./helpers/verified-canary.js";

// The job summary's headline is the job's outcome: a rollout whose verification failed is not "succeeded",
// though every wave deployed. Run through the built bundle, as a runner runs it.
let canary: VerifiedCanary;
let body: unknown = { errorRate: 0.01 };

beforeAll(async () => {
  canary = await startVerifiedCanary({ name: "headline", body: () => body });
}, 120_000);

afterAll(async () => {
  await canary?.stop();
});

const deploy = () => canary.deploy();

const headlines = (summary: string) => summary.split("\n").filter((l) => l.startsWith("## "));

it("says the rollout failed verification when it did, and succeeded only when it passed", async () => {
  body = { errorRate: 0.5 };
  const failed = await deploy();
  expect(failed.code).toBe(1);
  expect(headlines(failed.summary)).toEqual([
    "## Shipline rollout of v2 to canary: rolled out, but verification failed",
  ]);
  expect(failed.summary).not.toMatch(/: succeeded/);

  body = { somethingElse: 1 };
  const unsure = await deploy();
  expect(headlines(unsure.summary)).toEqual([
    "## Shipline rollout of v2 to canary: rolled out, verification inconclusive",
  ]);

  body = { errorRate: 0.01 };
  const passed = await deploy();
  expect(passed.code, passed.stdout).toBe(0);
  expect(headlines(passed.summary)).toEqual([
    "## Shipline rollout of v2 to canary: succeeded and passed verification",
  ]);
});
