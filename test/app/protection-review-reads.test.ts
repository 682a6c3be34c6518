// What a protection review and the dispatch before it read, beside what they decide: the review takes the
// job's run from the App's own `dispatched` record (no GET actions/runs/{id}) when the App triggered it; the
// overlap gate reads the running rollouts before every dispatch (an overlap holds the stage, which goes on by
// itself), and the review's read of the same list seconds later is conditional (a 304, free).
import { describe, expect, it } from "vitest";
import { activeRuns } from "../../src/github/protection.js";
import { dispatchedRunId } from "../support/fake-github.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";
import { deploymentProtectionRulePayload } from "../support/webhooks.js";

const TAG = "v3.1.0";
const SHA = "f".repeat(40);
const OWNER = "Codertocat";
const REPO = "Hello-World";
const CONFIG = `
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
stages:
  - { name: staging, approvals: 0 }
  - { name: canary, environment: production, approvals: 0 }
  - { name: production, approvals: 0 }
`;
const APP_BOT = { login: "shipline[bot]", type: "Bot" };
const runsList = `/repos/${OWNER}/${REPO}/actions/workflows/shipline.yml/runs`;
const runRead = (id: number) => `/repos/${OWNER}/${REPO}/actions/runs/${id}`;

function scenario(): ReleaseScenario {
  return releaseScenario({
    tag: TAG,
    sha: SHA,
    config: CONFIG,
    deps: { now: () => new Date("2026-12-01T15:00:00Z") },
  });
}

/** GitHub asks Shipline's rule to review the job of `stage`'s newest rollout run; the answer it got. */
async function review(
  app: ReleaseScenario,
  stage: string,
  environment: string,
  sender: { login: string; type: string } = APP_BOT,
) {
  const runId = dispatchedRunId(stage)!;
  const payload = deploymentProtectionRulePayload({
    environment,
    deployment_callback_url: `https://api.github.com/repos/${OWNER}/${REPO}/actions/runs/${runId}/deployment_protection_rule`,
    deployment: { ref: TAG, sha: SHA, environment },
  }) as unknown as Record<string, unknown>;
  payload.installation = { id: 1, node_id: "x" };
  payload.sender = { ...(payload.sender as object), ...sender };
  const before = app.gh.calls.length;
  await app.send("deployment_protection_rule", payload);
  return {
    runId,
    answer: app.gh.reviews.find((r) => r.runId === runId),
    calls: app.gh.calls.slice(before).map((c) => `${c.method} ${c.path}`),
  };
}

async function stageSucceeds(app: ReleaseScenario, stage: string, environment: string) {
  const before = app.gh.calls.length;
  await app.stageStatus(stage, "success", environment);
  return app.gh.calls.slice(before).map((c) => `${c.method} ${c.path}`);
}

describe("a protection review and the dispatch before it read each thing once", () => {
  it("reviews a job the App dispatched from its own record, without GET actions/runs/{id}", async () => {
    const app = scenario();
    await app.publish();
    expect(app.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    const { runId, answer, calls } = await review(app, "staging", "staging");
    expect(answer).toMatchObject({ state: "approved", environment_name: "staging" });
    expect(answer!.comment).toContain(`Shipline approved ${TAG} to staging`);
    expect(calls).not.toContain(`GET ${runRead(runId)}`);
    // The overlap gate's read is still made in the review, right before the job's steps.
    expect(calls).toContain(`GET ${runsList}`);
  });

  it("reads the run when a person is the request's sender (a re-run: they are its trigger)", async () => {
    const app = scenario();
    await app.publish();
    const runId = dispatchedRunId("staging")!;
    app.gh.runs.set(runId, {
      display_title: `shipline: ${TAG} to staging [rollout]`,
      triggering_actor: "carol",
    });
    const { answer, calls } = await review(app, "staging", "staging", { login: "carol", type: "User" });
    expect(calls).toContain(`GET ${runRead(runId)}`);
    expect(answer).toMatchObject({ state: "approved" });
  });

  it("reads the run when no record of the App's names it, and rejects a run Shipline did not start", async () => {
    const app = scenario();
    await app.publish();
    const runId = dispatchedRunId("staging")! + 40;
    app.gh.runs.set(runId, { display_title: "Deploy by hand", triggering_actor: "mallory" });
    const payload = deploymentProtectionRulePayload({
      environment: "staging",
      deployment_callback_url: `https://api.github.com/repos/${OWNER}/${REPO}/actions/runs/${runId}/deployment_protection_rule`,
      deployment: { ref: TAG, sha: SHA, environment: "staging" },
    }) as unknown as Record<string, unknown>;
    payload.installation = { id: 1, node_id: "x" };
    payload.sender = { ...(payload.sender as object), ...APP_BOT };
    await app.send("deployment_protection_rule", payload);
    expect(app.gh.calls.map((c) => `${c.method} ${c.path}`)).toContain(`GET ${runRead(runId)}`);
    expect(app.gh.reviews.find((r) => r.runId === runId)).toMatchObject({ state: "rejected" });
  });

  it("an overlap before a rule-guarded environment's dispatch holds the stage there (read before, not left to the review)", async () => {
    const app = scenario();
    await app.publish();
    await stageSucceeds(app, "staging", "staging");
    expect((await review(app, "canary", "production")).answer).toMatchObject({ state: "approved" });
    // Another pipeline's rollout is running in production when canary succeeds: production waits, undispatched.
    app.gh.activeRuns.push({ id: 4242, display_title: `shipline: v9.9.9 to production [rollout]` });
    const toProduction = await stageSucceeds(app, "canary", "production");
    expect(toProduction).toContain(`GET ${runsList}`);
    expect(app.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(app.gh.check("shipline / production")!.output.title).toBe("Waiting: overlap");
  });
});

describe("the overlap gate's list of running rollouts", () => {
  it("is read conditionally: the review's read right after the dispatch's is a 304 and gives the same runs", async () => {
    const seen: (string | undefined)[] = [];
    const client = {
      async request(_route: string, params: { headers?: Record<string, string> }) {
        const asked = params.headers?.["if-none-match"];
        seen.push(asked);
        if (asked === 'W/"runs-1"') throw Object.assign(new Error("Not Modified"), { status: 304 });
        return {
          status: 200,
          headers: { etag: 'W/"runs-1"' },
          data: {
            total_count: 1,
            workflow_runs: [{ id: 7, display_title: "shipline: v1 to live [rollout]", html_url: "u" }],
          },
        };
      },
    };
    const repo = { owner: OWNER, repo: REPO };
    const first = await activeRuns(client as never, repo, "shipline.yml");
    const again = await activeRuns(client as never, repo, "shipline.yml");
    expect(seen).toEqual([undefined, 'W/"runs-1"']);
    expect(again).toEqual(first);
    expect(first).toEqual([{ id: 7, displayTitle: "shipline: v1 to live [rollout]", htmlUrl: "u" }]);
  });
});
