// GitHub failing in every way it does (5xx, timeouts, primary and secondary rate limits), injected with nock in
// front of the in-memory GitHub: Shipline's Octokit policy (src/app/octokit.ts) retries, the transition happens
// exactly once, and a failure that outlasts the retries is visible on the stage check run and fixed by /retry.
import { readFileSync } from "node:fs";
import nock from "nock";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import {
  commentPayload,
  type FakeConversation,
  fakeConversation,
  releasePublishedPayload,
  stageStatusPayload,
} from "../support/fake-conversation.js";
import { API } from "../support/fake-github.js";
import { retryingProbot } from "./retrying-probot.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const SHA = "a".repeat(40);
const BASE = `/repos/${OWNER}/${REPO}`;
const CONFIG = readFileSync(new URL("../fixtures/shipline-no-approvals.yml", import.meta.url), "utf8");
const SECONDARY = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
};

/**
 * Faults must be registered before the fake: nock answers with the first interceptor that matches, and the
 * fake's interceptors persist. Each fault answers `times` requests, then the fake takes over.
 */
function world(faults: (scope: nock.Scope) => void): {
  gh: FakeConversation;
  probot: Probot;
  injected: nock.Scope;
} {
  const injected = nock(API);
  faults(injected);
  const gh = fakeConversation(OWNER, REPO);
  gh.files.set(`${OWNER}/${REPO}@${TAG}:.github/shipline.yml`, CONFIG);
  gh.files.set(`${OWNER}/${REPO}:.github/shipline.yml`, CONFIG);
  gh.tags.set(TAG, SHA);
  gh.releases.push({ tag: TAG, author: "alice" });
  gh.permissions.set("bob", "write");
  gh.permissions.set("rita", "read");
  return { gh, probot: retryingProbot(), injected };
}

const send = (probot: Probot, name: string, payload: object, id = Math.random().toString(16).slice(2)) =>
  probot.receive({ id, name: name as "release", payload: payload as never });

const dispatchPath = new RegExp(`^${BASE}/actions/workflows/[^/]+/dispatches$`);

describe("GitHub failures are retried with backoff", () => {
  it("completes a release's first transition once through 500, 502 and 503 answers", async () => {
    const { gh, probot, injected } = world((api) => {
      api.get(new RegExp(`^${BASE}/contents/`)).reply(500, { message: "Server Error" });
      api.post(`${BASE}/git/refs`).reply(502, "<html>Bad Gateway</html>");
      api.post(`${BASE}/check-runs`).times(2).reply(503, { message: "Service Unavailable" });
      api.post(dispatchPath).reply(502, { message: "Server Error" });
    });
    await send(probot, "release", releasePublishedPayload(TAG, "alice"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    // The release's check run and stage 1's (later stages get theirs when they start).
    expect(gh.checks.map((c) => c.name).sort()).toEqual(["shipline", "shipline / staging"]);
    expect(gh.check("shipline / staging")!.output.summary).toContain("<!-- shipline:dispatched");
    expect(injected.isDone()).toBe(true);
  });

  it("waits out secondary rate limits (403 and 429 with retry-after) and dispatches once", async () => {
    const { gh, probot } = world((api) => {
      api.post(`${BASE}/git/refs`).reply(403, SECONDARY, { "retry-after": "1" });
      api.post(dispatchPath).reply(429, SECONDARY, { "retry-after": "1" });
    });
    await send(probot, "release", releasePublishedPayload(TAG, "alice"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(gh.check("shipline / staging")).toMatchObject({ status: "in_progress" });
    expect(gh.refs.has(`refs/shipline/${TAG}/staging-rollout-1`)).toBe(true);
  });

  it("waits for the primary rate limit to reset (403, x-ratelimit-remaining: 0)", async () => {
    const reset = () => String(Math.ceil(Date.now() / 1000) + 1);
    const { gh, probot } = world((api) => {
      api.get(new RegExp(`^${BASE}/commits/[0-9a-f]{40}/check-runs`)).reply(
        403,
        { message: "API rate limit exceeded for installation ID 1." },
        {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-limit": "5000",
          "x-ratelimit-reset": reset(),
        },
      );
    });
    await send(probot, "release", releasePublishedPayload(TAG, "alice"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
  });
});

describe("a transition that still fails is visible and can be retried", () => {
  it("shows a dispatch that failed through every retry on the stage check run; /retry by a writer completes it once", async () => {
    const { gh, probot } = world((api) => {
      api.post(dispatchPath).times(5).reply(503, { message: "Service Unavailable" });
    });
    await send(probot, "release", releasePublishedPayload(TAG, "alice"));
    expect(gh.dispatches).toEqual([]);
    const failed = gh.check("shipline / staging")!;
    expect(failed).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "Could not start the deploy workflow" },
    });
    expect(failed.output.summary).toContain("Service Unavailable");
    expect(gh.refs.has(`refs/shipline/${TAG}/staging-rollout-1`)).toBe(false);

    await send(probot, "issue_comment", commentPayload("/retry", "rita"));
    expect(gh.replies().at(-1)).toContain("needs write access");
    expect(gh.dispatches).toEqual([]);

    const retry = commentPayload("/retry", "bob");
    await Promise.all([
      send(probot, "issue_comment", retry, "r-1"),
      send(probot, "issue_comment", retry, "r-1"),
    ]);
    expect(gh.dispatches.map((d) => [d.inputs.stage, d.inputs.mode])).toEqual([["staging", "rollout"]]);
    expect(gh.refs.has(`refs/shipline/${TAG}/staging-rollout-c${retry.comment.id}`)).toBe(true);
    const again = gh.check("shipline / staging")!;
    expect(again.id).not.toBe(failed.id);
    expect(again).toMatchObject({ status: "in_progress" });
    expect(again.output.summary).toContain("Retry requested by @bob");
    expect(gh.replies().at(-1)).toContain("**on it**");

    // Nothing failed any more: another /retry is refused, saying why.
    await send(probot, "issue_comment", commentPayload("/retry", "bob"));
    expect(gh.replies().at(-1)).toContain("nothing to retry");
    expect(gh.dispatches).toHaveLength(1);
  });

  it("/retry restarts a stage whose deploy job failed, and the pipeline goes on from there", async () => {
    const { gh, probot } = world((api) => {
      api
        .get(/\/check-runs\/\d+\/annotations/)
        .times(2)
        .reply(200, []);
    });
    await send(probot, "release", releasePublishedPayload(TAG, "alice"));
    await send(probot, "deployment_status", stageStatusPayload(TAG, SHA, "staging", "failure", "staging"));
    expect(gh.check("shipline / staging")).toMatchObject({ conclusion: "failure" });
    await send(probot, "issue_comment", commentPayload("/retry to staging", "bob"));

    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "staging"]);
    await send(probot, "deployment_status", stageStatusPayload(TAG, SHA, "staging", "success", "staging"));
    expect(gh.check("shipline / staging")).toMatchObject({ conclusion: "success" });
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "staging", "canary"]);
  });
});
