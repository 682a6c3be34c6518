// What a protection review and the dispatch before it read, beside what they decide: the review takes the
// job's run from the App's own `dispatched` record (no GET actions/runs/{id}) when the App triggered it, and a
// later stage of the release to an environment whose protection rule held it is dispatched without listing
// the deploy workflow's runs first: the review right before the job's steps evaluates the overlap gate, and
// still rejects a job while another rollout runs there.
import { describe, expect, it } from "vitest";
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

  it("dispatches the next stage to an environment the rule held without listing runs; its review still rejects an overlap", async () => {
    const app = scenario();
    await app.publish();
    await review(app, "staging", "staging");
    // production has not been seen guarded for this release: the runs are read before the dispatch.
    const toCanary = await stageSucceeds(app, "staging", "staging");
    expect(app.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(toCanary).toContain(`GET ${runsList}`);
    expect((await review(app, "canary", "production")).answer).toMatchObject({ state: "approved" });

    // The rule held this release's canary job in production: production's dispatch leaves overlap to its review.
    const toProduction = await stageSucceeds(app, "canary", "production");
    expect(app.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary", "production"]);
    expect(toProduction).not.toContain(`GET ${runsList}`);

    // Another pipeline's rollout is running in production when the job waits: the review lists the runs and rejects.
    app.gh.activeRuns.push({ id: 4242, display_title: `shipline: v9.9.9 to production [rollout]` });
    const last = await review(app, "production", "production");
    expect(last.calls).toContain(`GET ${runsList}`);
    expect(last.answer).toMatchObject({ state: "rejected" });
    expect(last.answer!.comment).toContain("v9.9.9 is still deploying to production");
    expect(app.gh.check("shipline / production")!.output.title).toBe("Blocked by overlap");
  });

  it("an environment whose rule never held the release keeps the read before the dispatch", async () => {
    const app = scenario();
    await app.publish();
    await stageSucceeds(app, "staging", "staging");
    const toProduction = await stageSucceeds(app, "canary", "production");
    expect(app.gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary", "production"]);
    expect(toProduction).toContain(`GET ${runsList}`);
  });
});
