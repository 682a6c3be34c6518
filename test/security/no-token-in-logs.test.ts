// No credential in any log line. In process: the App at trace level (every request Probot logs, and the
// error path of a failed dispatch) through a release, a command and a failure, with a known installation
// token. End to end: the real App processes and the real built Action through a rollout on the stand-in,
// with every token the stand-in issued; the Action masks its token, so the only occurrence in its output is
// the `::add-mask::` command itself, which the runner consumes.
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appMain } from "../../src/app/main.js";
import { shiplineOctokit } from "../../src/app/octokit.js";
import { buildApp } from "../../tools/e2e/app.js";
import { oneStage } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { unspaced } from "../reliability/retrying-probot.js";
import { commentPayload, fakeConversation, releasePublishedPayload } from "../support/fake-conversation.js";
import { API } from "../support/fake-github.js";
import { APP_ID, privateKey } from "../support/probot.js";

const TOKEN = "ghs_SECRET123installationtoken";
const WEBHOOK_SECRET = "whsec-SECRET456";

describe("the App's own log", () => {
  it("never contains the installation token, the webhook secret or the private key, even at trace level", async () => {
    let captured = "";
    const sink = new Writable({
      write(chunk, _enc, done) {
        captured += chunk.toString();
        done();
      },
    });
    // The token request answers our token; the fake's own token interceptor comes after and is never reached.
    nock(API)
      .persist()
      .post(/^\/app\/installations\/\d+\/access_tokens$/)
      .reply(201, { token: TOKEN, expires_at: "2099-01-01T00:00:00Z", permissions: {} });
    const withToken = nock(API, { reqheaders: { authorization: `token ${TOKEN}` } })
      .post(/\/actions\/workflows\/[^/]+\/dispatches$/)
      .times(5)
      .reply(503, { message: "Service Unavailable" });
    const gh = fakeConversation();
    const config = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8");
    gh.files.set("Codertocat/Hello-World@v1.2.0:.github/shipline.yml", config);
    gh.files.set("Codertocat/Hello-World:.github/shipline.yml", config);
    gh.tags.set("v1.2.0", "a".repeat(40));
    gh.releases.push({ tag: "v1.2.0", author: "alice" });
    gh.permissions.set("bob", "write");
    const probot = new Probot({
      appId: APP_ID,
      privateKey: privateKey(),
      secret: WEBHOOK_SECRET,
      log: pino({ level: "trace" }, sink),
      Octokit: shiplineOctokit({ backoffMs: 1, rateLimitUnitMs: 1, throttle: unspaced() }),
    });
    probot.load((app) =>
      appMain(app, {
        now: () => new Date("2026-11-20T10:00:00Z"),
        fetch: globalThis.fetch,
        env: { APP_ID: String(APP_ID) },
        dispatchLookupsMs: [10, 20],
      }),
    );
    const send = (name: string, payload: object) =>
      probot.receive({
        id: Math.random().toString(16).slice(2),
        name: name as "release",
        payload: payload as never,
      });
    await send("release", releasePublishedPayload("v1.2.0", "alice"));
    await send("issue_comment", commentPayload("/retry", "bob"));
    await send("issue_comment", commentPayload("/deploy v1.2.0 to canary", "bob"));

    expect(withToken.isDone()).toBe(true); // GitHub was called with the token
    expect(gh.dispatches.length).toBeGreaterThan(0);
    expect(captured).toContain("Could not start"); // and the failure path logged
    expect(captured.split("\n").length).toBeGreaterThan(20);
    expect(captured).not.toContain(TOKEN);
    expect(captured).not.toContain("SECRET123");
    expect(captured).not.toContain(WEBHOOK_SECRET);
    expect(captured).not.toContain(privateKey().split("\n")[1]!);
  });
});

describe("the App processes and the Action, end to end", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    world = await startWorld({ config: (root) => oneStage(root) });
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("print no token the stand-in issued, except the Action's own ::add-mask::", {
    timeout: 120_000,
  }, async () => {
    await world.publish("v1.0.0");
    await world.settle();
    expect(world.actions.length).toBeGreaterThan(0);
    expect(world.actions.every((a) => a.result.exitCode === 0)).toBe(true);

    const tokens = [...world.gh.standin.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(1); // installation tokens for the App, job tokens for the Action
    const appLog = world.log();
    for (const token of tokens) expect(appLog).not.toContain(token);
    expect(appLog).not.toContain("e2e-webhook-secret");

    for (const { job, result } of world.actions) {
      const output = `${result.stdout}\n${result.stderr}\n${result.summary}`;
      const lines = output.split("\n").filter((line) => tokens.some((t) => line.includes(t)));
      expect(lines).toEqual([`::add-mask::${job.token}`]);
    }
  });
});
