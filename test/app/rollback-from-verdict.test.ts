// A failed stage's automatic rollback goes where the failed job's verdict says the environment was before (the
// Action found it by the shared rule), read with the job's annotations: no deployments read, the release's check
// run written once when the rollback ends. Issue 17: at most 4 requests + 1 for the lock.
import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { encodeRecord } from "../../src/records/codec.js";
import { VERIFY_FAILED } from "../../src/verify/outcome.js";
import { deliver } from "../support/deliver.js";
import type { FakeConversation } from "../support/fake-conversation.js";
import { stageStatusPayload } from "../support/fake-conversation.js";
import { API, type Call, dispatchedRunId } from "../support/fake-github.js";
import { testProbot } from "../support/probot.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "api/v2.0.0";
const SHA = "a".repeat(40);
const JOB = 4242;
const CONFIG = `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
pipelines:
  api:
    tags: "api/v*"
    stages:
      - { name: live, environment: live, waves: [50, 100], approvals: 0 }
  web:
    tags: "web/v*"
    stages:
      - { name: live, environment: live, approvals: 0 }
`;

const annotation = (title: string | null, message: string) => ({
  path: ".github",
  start_line: 1,
  end_line: 1,
  start_column: null,
  end_column: null,
  annotation_level: "failure",
  title,
  message,
  raw_details: null,
  blob_href: "",
});
/** The verdict the Action ends a failed rollout with (action/src/report/verdict.ts). */
const verdict = (previous: string | null | undefined, environment = "live", title: string | null = null) =>
  annotation(
    title,
    `rollout of ${TAG} to live failed: web-2: disk full; rolled back 1 touched target\n${encodeRecord(
      "verdict",
      {
        environment,
        ...(previous !== undefined ? { previous } : {}),
      },
    )}`,
  );

/** What a call is, as the bench names it (method + path, the commit and ids left in). */
const described = (calls: Call[]) =>
  calls.map((c) => `${c.method} ${c.path.replace(/^\/repos\/[^/]+\/[^/]+/, "")}`);
const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

describe("automatic rollback to the previous release the failed job reported", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  let annotationReads: number;
  let annotations: object[];

  const failure = () => {
    const payload = stageStatusPayload(TAG, SHA, "live", "failure", "live");
    payload.check_run = {
      id: JOB,
      name: "deploy",
      node_id: "x",
      head_sha: SHA,
      external_id: "",
      url: `${API}/repos/Codertocat/Hello-World/check-runs/${JOB}`,
      html_url: "https://github.com/x",
      details_url: "https://github.com/x",
      status: "completed",
      conclusion: "failure",
      started_at: "2026-11-20T09:58:00Z",
      completed_at: "2026-11-20T09:59:00Z",
    };
    return payload;
  };
  const rollbackStatus = (state: string, to: string) => {
    const payload = stageStatusPayload(to, "b".repeat(40), "live", state, "live");
    payload.workflow_run.display_title = `shipline: ${to} to live [rollback from ${TAG}]`;
    payload.workflow_run.id = dispatchedRunId("live", "rollback") ?? 1;
    return payload;
  };
  /** The requests one delivery sends (the fake's record, the annotations read included). */
  const requestsOf = async (run: () => Promise<void>) => {
    const from = gh.calls.length;
    const reads = annotationReads;
    await run();
    const list = described(gh.calls.slice(from));
    return annotationReads > reads ? [`GET /check-runs/${JOB}/annotations`, ...list] : list;
  };

  beforeEach(async () => {
    app = releaseScenario({ tag: TAG, sha: SHA, config: CONFIG });
    gh = app.gh;
    annotationReads = 0;
    annotations = [];
    nock(API)
      .persist()
      .get(`/repos/Codertocat/Hello-World/check-runs/${JOB}/annotations`)
      .query(true)
      .reply(200, () => {
        annotationReads += 1;
        return annotations;
      });
    nock(API).persist().get("/app").reply(200, { id: 12345, slug: "shipline", name: "Shipline" });
    // What the App would find by itself: a different release, so a test sees which source was used.
    gh.deployments.push({ id: 10, ref: "api/v1.0.0", environment: "live", statuses: ["success"] });
    gh.deployments.push({ id: 11, ref: TAG, environment: "live", statuses: ["failure"] });
    gh.tags.set("api/v1.1.0", "b".repeat(40));
    await app.publish();
  });

  it("sends exactly the verdict read, the stage's check run, the claim, the dispatch and the lock", async () => {
    annotations = [
      annotation(
        null,
        `some step printed ${encodeRecord("verdict", { environment: "live", previous: "api/v0.1.0" })}`,
      ),
      verdict("api/v1.1.0"),
    ];
    const calls = await requestsOf(() => app.send("deployment_status", failure()));

    const counted = calls.filter(
      (c) => !c.includes("/contents/") && !/GET \/commits\/\w+\/check-runs/.test(c),
    );
    // (The fake does not record the lock's POST /environments/live/variables: asserted below by its result.)
    expect(counted).toEqual([
      `GET /check-runs/${JOB}/annotations`,
      "POST /git/refs",
      `PATCH /check-runs/${gh.check("shipline / live")!.id}`,
      "POST /actions/workflows/shipline.yml/dispatches",
    ]);
    expect([...gh.variables.keys()]).toEqual(["live:SHIPLINE_LOCK"]);
    expect(calls.some((c) => c.includes("/deployments"))).toBe(false);
    expect(gh.dispatches.at(-1)).toEqual({
      workflow: "shipline.yml",
      ref: "api/v1.1.0",
      inputs: {
        release: "api/v1.1.0",
        stage: "live",
        mode: "rollback",
        pipeline: "api",
        environment: "live",
        from: TAG,
        reason: "automatic: live failed",
      },
    });
    const live = gh.check("shipline / live")!;
    expect(live).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(live.output.summary).toContain("Rolling live back to `api/v1.1.0` automatically.");
    // The job's own words, not the record the App read.
    expect(live.output.summary).toContain("> rollout of api/v2.0.0 to live failed: web-2: disk full");
    expect(live.output.summary).not.toContain("shipline:verdict");
    // The release's fate is the rollback's: not written yet.
    expect(gh.check("shipline")).toMatchObject({ status: "in_progress", conclusion: null });
  });

  it("says the rollback did not start when GitHub refuses its dispatch: the stage and the release, with why", async () => {
    annotations = [verdict("api/v1.1.0")];
    gh.failDispatch = 422;
    await app.send("deployment_status", failure());
    expect(gh.dispatches.filter((d) => d.inputs.mode === "rollback")).toEqual([]);
    const live = gh.check("shipline / live")!;
    expect(live).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(live.output.summary).not.toContain("automatically.");
    expect(live.output.summary).toContain(
      "The automatic rollback to `api/v1.1.0` could not be dispatched: comment `/rollback live` to try again.",
    );
    expect(live.output.summary).toContain(
      "> GitHub refused the dispatch: Workflow does not have 'workflow_dispatch' trigger",
    );
    const release = gh.check("shipline")!;
    expect(release).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(release.output.title).toBe(`${TAG} failed in live; the rollback did not start`);
    // The claim is given back, so `/rollback` (or a redelivery) can take it.
    expect([...gh.refs.keys()].some((r) => r.includes("live-rollback"))).toBe(false);
  });

  it("completes the release's check run once, when the rollback ends, with the failure and the rollback", async () => {
    annotations = [verdict("api/v1.1.0")];
    await app.send("deployment_status", failure());
    const calls = await requestsOf(() =>
      app.send("deployment_status", rollbackStatus("success", "api/v1.1.0")),
    );
    expect(calls.filter((c) => WRITES.has(c.split(" ")[0]!))).toEqual([
      `PATCH /check-runs/${gh.check("shipline")!.id}`,
    ]);
    const fate = gh.check("shipline")!;
    expect(fate).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(fate.output.title).toBe(`${TAG} rolled back to api/v1.1.0`);
    expect(fate.output.summary).toContain(`❌ Deploying ${TAG} to live failed.`);
    expect(fate.output.summary).toContain("**Rolled back**: live runs `api/v1.1.0` again");
    expect(fate.output.summary).toContain("live<br/>❌ failed");
    // Its records survive the rewrite (the release's author, for four-eyes).
    expect(fate.output.summary).toContain("<!-- shipline:release ");
  });

  it("falls back to reading the deployments when the verdict names no previous release (an older Action)", async () => {
    annotations = [
      annotation(null, "rollout of api/v2.0.0 to live failed: web-2: disk full"),
      annotation(null, "a later step failed"),
    ];
    const calls = await requestsOf(() => app.send("deployment_status", failure()));
    expect(calls.filter((c) => c.includes("/deployments"))).toEqual([
      "GET /deployments",
      "GET /deployments/10/statuses",
    ]);
    expect(gh.dispatches.at(-1)?.inputs).toMatchObject({ mode: "rollback", release: "api/v1.0.0" });

    // A verdict whose job could not read the history (no `previous` in its record) falls back the same way.
    annotations = [verdict(undefined)];
    gh.checks.length = 0;
    gh.dispatches.length = 0;
    gh.refs.clear();
    gh.variables.clear();
    await app.publish();
    await app.send("deployment_status", failure());
    expect(gh.dispatches.at(-1)?.inputs).toMatchObject({ mode: "rollback", release: "api/v1.0.0" });
  });

  it.each([
    ["a release of another pipeline", verdict("web/v1.0.0"), "is not a release tag of pipeline `api`"],
    ["the failed release itself", verdict(TAG), "the failed release itself"],
    ["another environment's", verdict("api/v1.1.0", "staging"), "not of `live`"],
  ])(
    "refuses %s: says so on the check runs, dispatches nothing, locks nothing",
    async (_what, reported, why) => {
      annotations = [reported];
      const calls = await requestsOf(() => app.send("deployment_status", failure()));
      expect(gh.dispatches.map((d) => d.inputs.mode)).toEqual(["rollout"]);
      expect(gh.variables.size).toBe(0);
      expect(calls.some((c) => c.includes("/deployments"))).toBe(false);
      const live = gh.check("shipline / live")!;
      expect(live).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(live.output.summary).toContain("Not rolling back automatically: ");
      expect(live.output.summary).toContain(why);
      expect(live.output.summary).toContain("comment `/rollback live`");
      // Nothing is rolling back: the release's fate is known now.
      expect(gh.check("shipline")).toMatchObject({ status: "completed", conclusion: "failure" });
      expect(gh.check("shipline")!.output.summary).toContain(why);
    },
  );

  it("takes the job's word that there is nothing to roll back to", async () => {
    annotations = [verdict(null)];
    const calls = await requestsOf(() => app.send("deployment_status", failure()));
    expect(calls.some((c) => c.includes("/deployments"))).toBe(false);
    expect(gh.dispatches.map((d) => d.inputs.mode)).toEqual(["rollout"]);
    expect(gh.check("shipline / live")!.output.summary).toContain(
      "No earlier successful release in live: nothing to roll back to.",
    );
    expect(gh.check("shipline")).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  it("a failed verification's verdict carries the target too", async () => {
    annotations = [verdict("api/v1.1.0", "live", VERIFY_FAILED)];
    await app.send("deployment_status", failure());
    expect(gh.dispatches.at(-1)?.inputs).toMatchObject({ mode: "rollback", release: "api/v1.1.0" });
    expect(gh.check("shipline / live")!.output.title).toBe(`Verification of ${TAG} failed in live`);
  });

  it("a record printed into the error text is not the verdict's: only its last line counts", async () => {
    const forged = encodeRecord("verdict", { environment: "live", previous: "api/v0.0.1" });
    annotations = [
      annotation(
        null,
        `rollout failed: the deploy command printed\n${forged}\nand exited 1\n${encodeRecord("verdict", { environment: "live", previous: "api/v1.1.0" })}`,
      ),
    ];
    await app.send("deployment_status", failure());
    expect(gh.dispatches.at(-1)?.inputs).toMatchObject({ mode: "rollback", release: "api/v1.1.0" });
  });

  it("a redelivered failure writes nothing and dispatches no second rollback", async () => {
    annotations = [verdict("api/v1.1.0")];
    const payload = failure();
    await app.send("deployment_status", payload, "delivery-1");
    const again = await requestsOf(() => app.send("deployment_status", payload, "delivery-1"));
    expect(again.filter((c) => WRITES.has(c.split(" ")[0]!))).toEqual([]);
    expect(gh.dispatches.map((d) => d.inputs.mode)).toEqual(["rollout", "rollback"]);
  });

  it("two replicas handling the same failure at once: one rollback, one lock", async () => {
    annotations = [verdict("api/v1.1.0")];
    const payload = failure();
    // A second App process against the same GitHub (this test's fake).
    const replica = testProbot();
    await Promise.all([
      app.send("deployment_status", payload, "d"),
      deliver(replica, "deployment_status", payload, "d"),
    ]);
    expect(gh.dispatches.map((d) => d.inputs.mode)).toEqual(["rollout", "rollback"]);
    expect(gh.variables.size).toBe(1);
  });
});
