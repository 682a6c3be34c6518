// The AWS Lambda entry (lib/serverless/lambda.js, through @probot/adapter-aws-lambda-serverless) invoked as
// Lambda invokes it, with API Gateway-shaped events carrying signed GitHub webhooks, against the GitHub
// stand-in: the App's requests happen (check runs, the claim, the dispatch), a bad signature changes nothing.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { threeStages } from "../../tools/e2e/configs.js";
import { apiGatewayEvent, httpApiEvent, type RunningLambda, sign, startLambda } from "./invoke.js";
import { type ServerlessWorld, startServerlessWorld } from "./world.js";

// Once stage 1 is dispatched: the release's check run and stage 1's (later stages get theirs when they start).
const STAGES = ["shipline", "shipline / staging"];

describe("AWS Lambda entry", () => {
  let world: ServerlessWorld;
  let lambda: RunningLambda;

  beforeAll(async () => {
    world = await startServerlessWorld({
      name: "lambda",
      secret: "lambda-webhook-secret",
      config: (root) => threeStages(join(root, "targets")),
    });
    lambda = await startLambda({ ...world.env, SHIPLINE_WRITE_SPACING_MS: "0" });
  }, 60_000);
  afterAll(async () => {
    await lambda?.stop();
    await world?.stop();
  });

  const published = (tag: string) => world.publish(tag);
  const repo = () => world.gh.standin.repo();

  it("a REST API (v1) event: release.published creates the check runs and dispatches stage 1", {
    timeout: 60_000,
  }, async () => {
    expect(lambda.initError).toBeUndefined();
    const { release, raw } = published("v1.0.0");
    const answer = await lambda.invoke(apiGatewayEvent("release", raw, world.sign(raw)));

    expect(answer.result?.statusCode).toBe(200);
    expect(repo().dispatches.map((d) => [d.inputs.release, d.inputs.stage])).toEqual([["v1.0.0", "staging"]]);
    expect(
      repo()
        .checkRuns.filter((c) => c.headSha === release.sha)
        .map((c) => c.name)
        .sort(),
    ).toEqual(STAGES);
    // It authenticated as the App installation: the token exchange went to the stand-in too.
    expect(
      world.gh.standin.requests.some((r) => /\/app\/installations\/\d+\/access_tokens/.test(r.path)),
    ).toBe(true);
    world.gh.assertNoViolations();
  });

  it("an HTTP API / function URL (v2) event with a base64 body works the same, warm", {
    timeout: 60_000,
  }, async () => {
    const { raw } = published("v1.1.0");
    const answer = await lambda.invoke(httpApiEvent("release", raw, world.sign(raw)));
    expect(answer.result?.statusCode).toBe(200);
    expect(
      repo()
        .dispatches.filter((d) => d.inputs.release === "v1.1.0")
        .map((d) => d.inputs.stage),
    ).toEqual(["staging"]);
  });

  it("a webhook signed with another secret is refused with 400 and changes nothing", async () => {
    const { release, raw } = published("v1.2.0");
    const before = world.gh.standin.requests.length;
    const answer = await lambda.invoke(apiGatewayEvent("release", raw, sign("not-the-secret", raw)));

    expect(answer.result?.statusCode).toBe(400);
    expect(JSON.parse(answer.result?.body ?? "{}")).toEqual({
      error:
        "signature does not match the payload and WEBHOOK_SECRET (or the request is not a GitHub webhook)",
    });
    expect(world.gh.standin.requests.length).toBe(before);
    expect(repo().checkRuns.filter((c) => c.headSha === release.sha)).toEqual([]);
  });

  it("without credentials the function fails to start, naming what to set", async () => {
    const broken = await startLambda({ ...world.env, APP_ID: "", WEBHOOK_SECRET: "" });
    try {
      expect(broken.initError).toBe(
        "Shipline cannot start: set APP_ID, WEBHOOK_SECRET in the function's environment (see docs/operations.md)",
      );
    } finally {
      await broken.stop();
    }
  });
});
