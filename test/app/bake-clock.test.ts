// A 48h canary bake kept by the App's clock, through the real Probot App and its handlers: the rollout job's success
// starts the bake (nothing dispatched next), each tick of the clock (the tick workflow's workflow_run) dispatches the
// round that is due as a short verify job, each verify job's deployment_status records its round, and production is
// dispatched only after 48h and 12 passed rounds; a failed round rolls the canary back. A fresh Probot instance (a
// restarted App) picks up in the middle from GitHub's records alone.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { runName } from "../../src/pipeline/identity.js";
import { VERIFY_FAILED } from "../../src/verify/outcome.js";
import { type FakeConversation, stageStatusPayload } from "../support/fake-conversation.js";
import { API, dispatchedRunId } from "../support/fake-github.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const SHA = "c".repeat(40);
const T0 = new Date("2026-12-01T10:00:00Z");
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);

const CONFIG = `
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
rollback: { automatic: true, lock: true }
stages:
  - { name: canary, environment: production, percent: 50, bake: 48h, interval: 4h, verify: [smoke], approvals: 0 }
  - { name: production, approvals: 0 }
checks:
  smoke: { smoke: { url: "https://{target}.internal/health" } }
`;

describe("a bake on the App's clock", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  let now: Date;
  const status = (mode: "rollout" | "verify", state: string, job?: number) => {
    const payload = stageStatusPayload(TAG, SHA, "canary", state, "production", OWNER, REPO);
    payload.workflow_run.display_title = runName({ release: TAG, stage: "canary", mode });
    payload.workflow_run.id = dispatchedRunId("canary", mode) ?? payload.workflow_run.id;
    if (job) payload.check_run = { ...(payload.check_run ?? {}), id: job };
    else delete payload.check_run;
    return app.send("deployment_status", payload);
  };
  const jobs = () =>
    gh.dispatches.map(
      (d) => `${d.inputs.stage}/${d.inputs.mode}${d.inputs.reason ? ` (${d.inputs.reason})` : ""}`,
    );
  const canary = () => gh.check("shipline / canary")!;

  async function bakingCanary() {
    now = T0;
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      deps: { now: () => now },
    });
    gh = app.gh;
    await app.publish();
    expect(jobs()).toEqual(["canary/rollout"]);
    await status("rollout", "success");
  }

  it("promotes after 48h and 12 verify jobs; a restarted App loses nothing", async () => {
    await bakingCanary();
    expect(canary().status).toBe("in_progress");
    expect(canary().output.title).toBe("Baking v1.2.0 in canary: round 0 passed, 2d left");
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/canary-bake-waiting`)).toBe(true);
    expect(jobs()).toEqual(["canary/rollout"]);

    // A tick before round 1 is due writes nothing.
    now = at(3);
    const writes = gh.calls.filter((c) => c.method !== "GET").length;
    await app.tick();
    expect(gh.calls.filter((c) => c.method !== "GET").length).toBe(writes);

    for (let k = 1; k <= 12; k++) {
      now = at(4 * k + 0.05);
      // Two ticks at once (two replicas) dispatch the round once.
      await Promise.all([app.tick(), app.tick()]);
      expect(jobs().at(-1)).toBe(`canary/verify (round ${k} of 12)`);
      expect(gh.refs.has(`refs/shipline/${TAG}/canary-verify-${k}`)).toBe(true);
      expect(canary().output.title).toMatch(new RegExp(`round ${k} of 12 running`));
      if (k === 6) {
        // The App restarts mid-bake: a fresh Probot with fresh deps reads everything back from GitHub.
        app.restart();
      }
      now = at(4 * k + 0.2);
      await status("verify", "success");
    }
    expect(jobs().filter((j) => j.includes("verify"))).toHaveLength(12);
    expect(canary().status).toBe("completed");
    expect(canary().conclusion).toBe("success");
    expect(canary().output.title).toBe("v1.2.0 baked 2d in canary: 12 rounds passed");
    expect(jobs().at(-1)).toBe("production/rollout");
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/canary-bake-waiting`)).toBe(false);
  });

  it("a round failing at hour 28-32 rolls the canary back and production never starts", async () => {
    await bakingCanary();
    gh.deployments.push({ id: 40, ref: "v1.1.0", environment: "production", statuses: ["success"] });
    for (let k = 1; k <= 6; k++) {
      now = at(4 * k);
      await app.tick();
      await status("verify", "success");
    }
    now = at(28.1);
    await app.tick();
    expect(jobs().at(-1)).toBe("canary/verify (round 7 of 12)");
    nock(API).get("/app").reply(200, { id: 12345, slug: "shipline", name: "Shipline" });
    nock(API)
      .get(`/repos/${OWNER}/${REPO}/check-runs/4242/annotations`)
      .query(true)
      .reply(200, [{ annotation_level: "failure", title: VERIFY_FAILED, message: "smoke failed on web-1" }]);
    now = at(28.3);
    await status("verify", "failure", 4242);
    expect(canary().conclusion).toBe("failure");
    expect(canary().output.title).toBe("Verification of v1.2.0 failed in canary");
    expect(jobs().at(-1)).toBe("canary/rollback (automatic: canary failed)");
    expect(gh.dispatches.at(-1)!.inputs).toMatchObject({ release: "v1.1.0", from: TAG });
    expect(gh.check("shipline / production")!.conclusion).toBe("skipped");
    expect(gh.variables.get("production:SHIPLINE_LOCK")).toContain("automatic rollback");
    // Later ticks dispatch nothing more.
    now = at(49);
    await app.tick();
    expect(jobs().filter((j) => j.startsWith("production"))).toEqual([]);
  });
});
