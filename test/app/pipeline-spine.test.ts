import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import nock from "nock";
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { runName } from "../../src/pipeline/identity.js";
import { decodeLock } from "../../src/records/codec.js";
import { VERIFY_INCONCLUSIVE, VERIFY_REPORT } from "../../src/verify/outcome.js";
import { API, dispatchedRunId, type FakeGitHub, fakeGitHub } from "../support/fake-github.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { testProbot } from "../support/probot.js";

const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: Record<string, unknown>[];
}[];
// biome-ignore lint/suspicious/noExplicitAny: example payloads are edited freely in these tests.
function example(name: string, action: string): Record<string, any> {
  const found = examples.find((e) => e.name === name)?.examples.find((x) => x.action === action);
  if (!found) throw new Error(`no example ${name}.${action}`);
  return structuredClone(found);
}

const OWNER = "Codertocat";
const REPO = "Hello-World";
const SHA = "a".repeat(40);
const TAG = "v1.2.0";
const CONFIG = readFileSync(new URL("../fixtures/shipline-no-approvals.yml", import.meta.url), "utf8");
const bot = { login: "github-actions[bot]", type: "Bot", id: 41898282 };

function releasePublished(overrides: { uploader?: object; assets?: object[] } = {}) {
  const payload = example("release", "published");
  payload.installation = { id: 1, node_id: "x" };
  Object.assign(payload.release, {
    tag_name: TAG,
    draft: false,
    html_url: `https://github.com/${OWNER}/${REPO}/releases/tag/${TAG}`,
  });
  payload.release.assets = overrides.assets ?? [
    {
      id: 1,
      name: "app-1.2.0.tar.gz",
      size: 10,
      state: "uploaded",
      uploader: overrides.uploader ?? bot,
      digest: null,
    },
    {
      id: 2,
      name: "SHA256SUMS",
      size: 90,
      state: "uploaded",
      uploader: overrides.uploader ?? bot,
      digest: null,
    },
  ];
  return payload;
}

function deploymentStatus(
  stage: string,
  state: string,
  environment: string,
  mode = "rollout",
  release = TAG,
  from?: string,
) {
  const payload = example("deployment_status", "created");
  const withRun = examples.find((e) => e.name === "deployment_status")!.examples.find((x) => x.workflow_run)!;
  payload.installation = { id: 1, node_id: "x" };
  payload.workflow_run = structuredClone(withRun.workflow_run);
  payload.workflow_run.display_title = runName({
    release,
    stage,
    mode: mode as "rollout",
    ...(from ? { from } : {}),
  });
  payload.workflow_run.html_url = `https://github.com/${OWNER}/${REPO}/actions/runs/77`;
  payload.workflow_run.id = dispatchedRunId(stage, mode) ?? payload.workflow_run.id;
  Object.assign(payload.deployment, { ref: release, sha: SHA, environment, id: 555 });
  Object.assign(payload.deployment_status, {
    state,
    environment,
    log_url: `https://github.com/${OWNER}/${REPO}/actions/runs/77/job/1`,
    description: state === "failure" ? "wave 2 failed on web-3" : "",
  });
  return payload;
}

describe("the pipeline spine: a published release flows through its stages", () => {
  const traffic = expectValidGitHubTraffic();
  let gh: FakeGitHub;
  let probot: Probot;
  const send = (name: string, payload: object, id = Math.random().toString(16).slice(2)) =>
    probot.receive({ id, name: name as "release", payload: payload as never });

  beforeEach(() => {
    gh = fakeGitHub(OWNER, REPO);
    gh.files.set(`${OWNER}/${REPO}@${TAG}:.github/shipline.yml`, CONFIG);
    gh.tags.set(TAG, SHA);
    probot = testProbot();
  });

  it("drives a release through three stages, one dispatch per stage, then marks it fully deployed", async () => {
    await send("release", releasePublished());
    // A stage's check run is created when the stage starts, in progress with its run (one write); the
    // `shipline` check run's diagram shows every stage, the later ones pending.
    expect(gh.checks.map((c) => [c.name, c.status])).toEqual([
      ["shipline", "in_progress"],
      ["shipline / staging", "in_progress"],
    ]);
    expect(gh.check("shipline / staging")!.output.summary).toContain("```mermaid\nflowchart LR");
    expect(gh.check("shipline / staging")!.output.summary).toContain("staging<br/>🔄 deploying");
    expect(gh.check("shipline")!.output.summary).toContain("production<br/>⏳ pending");
    // GitHub shows a check run's buttons only once it completes: none while staging deploys, whose summary
    // names the comment that pauses the release instead (issue 12).
    const buttons = (name: string) =>
      ((gh.check(name) as unknown as { actions?: { identifier: string }[] }).actions ?? []).map(
        (a) => a.identifier,
      );
    expect(buttons("shipline / staging")).toEqual([]);
    expect(gh.check("shipline / staging")!.output.summary).toContain(
      "To stop v1.2.0 before canary starts, comment `/pause`",
    );
    expect(gh.dispatches).toEqual([
      {
        workflow: "shipline.yml",
        ref: TAG,
        inputs: {
          release: TAG,
          stage: "staging",
          mode: "rollout",
          pipeline: "default",
          environment: "staging",
        },
      },
    ]);
    expect(gh.check("shipline / staging")!.details_url).toBe(
      `https://github.com/${OWNER}/${REPO}/actions/runs/9001`,
    );

    // The job's own in_progress status has nothing to add: the check run already shows it, with the run.
    const writes = gh.checks.length;
    await send("deployment_status", deploymentStatus("staging", "in_progress", "staging"));
    expect(gh.checks).toHaveLength(writes);
    expect(gh.check("shipline / staging")).toMatchObject({
      status: "in_progress",
      details_url: `https://github.com/${OWNER}/${REPO}/actions/runs/9001`,
    });

    await send("deployment_status", deploymentStatus("staging", "success", "staging"));
    expect(gh.check("shipline / staging")).toMatchObject({
      status: "completed",
      conclusion: "success",
      details_url: expect.stringContaining("/job/1"),
    });
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(gh.dispatches[1]!.inputs).toMatchObject({ environment: "production", mode: "rollout" });

    await send("deployment_status", deploymentStatus("canary", "success", "production"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary", "production"]);
    expect(gh.check("shipline")!.status).toBe("in_progress");

    await send("deployment_status", deploymentStatus("production", "success", "production"));
    expect(gh.dispatches).toHaveLength(3);
    // Completed: Rollback and, while a next stage may still start, Pause; the last stage has nothing to pause.
    expect(buttons("shipline / staging")).toEqual(["rollback", "pause"]);
    expect(buttons("shipline / production")).toEqual(["rollback"]);
    expect(gh.check("shipline")).toMatchObject({
      status: "completed",
      conclusion: "success",
      output: { title: `${TAG} is fully deployed` },
    });
    // The release's check run ends with its timeline, rebuilt from the check runs' states and records.
    const timeline = gh.check("shipline")!.output.summary.split("### Timeline")[1] ?? "";
    expect(timeline).toContain("| Time (UTC) | Where | What |");
    expect(timeline).toMatch(/\| staging \|/);
    expect(gh.checks.filter((c) => c.name.startsWith("shipline / ")).map((c) => c.conclusion)).toEqual([
      "success",
      "success",
      "success",
    ]);
    // Every request was one GitHub documents (checked against its OpenAPI description after each test).
    await traffic.current().settle();
    expect(traffic.current().requests.length).toBeGreaterThan(20);
  });

  it("stops at a failed stage: that stage red, later stages skipped, no further dispatch", async () => {
    const config = CONFIG.replace(
      "workflow: shipline.yml",
      "workflow: shipline.yml\nrollback: { automatic: false }",
    );
    gh.files.set(`${OWNER}/${REPO}@${TAG}:.github/shipline.yml`, config);
    await send("release", releasePublished());
    await send("deployment_status", deploymentStatus("staging", "failure", "staging"));
    expect(gh.check("shipline / staging")).toMatchObject({ conclusion: "failure" });
    expect(gh.check("shipline / staging")!.output.summary).toContain("wave 2 failed on web-3");
    expect(gh.check("shipline / canary")).toMatchObject({ status: "completed", conclusion: "skipped" });
    expect(gh.check("shipline / production")).toMatchObject({ status: "completed", conclusion: "skipped" });
    expect(gh.check("shipline")).toMatchObject({ conclusion: "failure" });
    expect(gh.dispatches).toHaveLength(1);
    // A late in_progress does not reopen the failed stage.
    await send("deployment_status", deploymentStatus("staging", "in_progress", "staging"));
    expect(gh.check("shipline / staging")!.conclusion).toBe("failure");
  });

  it("rolls a failed stage back to the environment's previous successful release, and locks the environment", async () => {
    nock(API).get("/app").reply(200, { id: 12345, slug: "shipline", name: "Shipline" });
    gh.deployments.push({
      id: 10,
      ref: "v1.1.0",
      environment: "staging",
      statuses: ["in_progress", "success"],
    });
    gh.deployments.push({ id: 11, ref: TAG, environment: "staging", statuses: ["in_progress", "failure"] });
    await send("release", releasePublished());
    await send("deployment_status", deploymentStatus("staging", "failure", "staging"));
    expect(gh.dispatches[1]).toEqual({
      workflow: "shipline.yml",
      ref: "v1.1.0",
      inputs: {
        release: "v1.1.0",
        stage: "staging",
        mode: "rollback",
        pipeline: "default",
        environment: "staging",
        from: TAG,
        reason: "automatic: staging failed",
      },
    });
    expect([...gh.variables.keys()]).toEqual(["staging:SHIPLINE_LOCK"]);
    expect(decodeLock(gh.variables.get("staging:SHIPLINE_LOCK"))).toMatchObject({
      environment: "staging",
      owner: "shipline[bot]",
      reason: `automatic rollback: ${TAG} failed in staging`,
    });
    expect(gh.check("shipline / staging")!.output.summary).toContain(
      "staging is locked until someone comments `/unlock staging`",
    );
    gh.tags.set("v1.1.0", "b".repeat(40));
    await send("deployment_status", {
      ...deploymentStatus("staging", "success", "staging", "rollback", "v1.1.0", TAG),
    });
    expect(gh.check("shipline")!.output.summary).toContain("**Rolled back**: staging runs `v1.1.0` again");
  });

  it("pauses on inconclusive verification: no rollback, no promotion, a human decides", async () => {
    gh.deployments.push({ id: 10, ref: "v1.1.0", environment: "staging", statuses: ["success"] });
    nock(API)
      .get("/repos/Codertocat/Hello-World/check-runs/4242/annotations")
      .query(true)
      .reply(200, [
        {
          path: ".github",
          start_line: 1,
          end_line: 1,
          annotation_level: "failure",
          title: VERIFY_INCONCLUSIVE,
          message: "error-rate: no data in 3 rounds",
          raw_details: null,
          blob_href: "",
          start_column: null,
          end_column: null,
        },
        {
          path: ".github",
          start_line: 1,
          end_line: 1,
          annotation_level: "notice",
          title: VERIFY_REPORT,
          message: "| round | error-rate |\n| --- | --- |\n| 1 | no data |",
          raw_details: null,
          blob_href: "",
          start_column: null,
          end_column: null,
        },
      ]);
    await send("release", releasePublished());
    const failed = deploymentStatus("staging", "failure", "staging");
    failed.check_run = {
      id: 4242,
      name: "deploy",
      status: "completed",
      conclusion: "failure",
      html_url: "https://github.com/x",
      url: "https://api.github.com/x",
      node_id: "x",
      head_sha: SHA,
      external_id: "",
      details_url: "",
      started_at: "",
      completed_at: "",
    };
    await send("deployment_status", failed);
    expect(gh.check("shipline / staging")).toMatchObject({
      status: "completed",
      conclusion: "action_required",
      output: { title: "Verification inconclusive: /promote or /rollback" },
    });
    expect(gh.check("shipline / staging")!.output.summary).toContain("error-rate: no data in 3 rounds");
    expect(gh.check("shipline / staging")!.output.summary).toContain(
      "### Verification\n\n| round | error-rate |",
    );
    // canary never started: it has no check run of its own (the diagrams show it pending).
    expect(gh.check("shipline / canary")).toBeUndefined();
    expect(gh.check("shipline / staging")!.output.summary).toContain("canary<br/>⏳ pending");
    expect(gh.check("shipline")!.output.title).toBe("Paused: staging needs a decision");
    expect(gh.dispatches).toHaveLength(1);
  });

  it("dispatches once when the same delivery arrives twice, or two deliveries race", async () => {
    const payload = releasePublished();
    await send("release", payload, "delivery-1");
    await send("release", payload, "delivery-1");
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.checks).toHaveLength(2);
    const success = deploymentStatus("staging", "success", "staging");
    await Promise.all([
      send("deployment_status", success, "d-2"),
      send("deployment_status", success, "d-2"),
      send("deployment_status", success, "d-3"),
    ]);
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
  });

  it("dispatches once when the same delivery arrives 50 times at once", async () => {
    const payload = releasePublished();
    await Promise.all(Array.from({ length: 50 }, () => send("release", payload, "delivery-50")));
    expect(gh.dispatches).toHaveLength(1);
    const success = deploymentStatus("staging", "success", "staging");
    await Promise.all(Array.from({ length: 50 }, () => send("deployment_status", success, "delivery-51")));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
  }, 60_000);

  it("never takes over a transition another process claimed, however long it stays silent", async () => {
    await send("release", releasePublished());
    // The canary's claim is held by another process (busy behind its write throttle, or dead): no run yet.
    gh.refs.set("refs/shipline/v1.2.0/canary-rollout-1", SHA);
    const success = deploymentStatus("staging", "success", "staging");
    await send("deployment_status", success, "redelivered");
    await send("deployment_status", success, "redelivered-again");
    // The claimant owns the transition: nobody else writes or dispatches, so nothing is ever done twice.
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(gh.check("shipline / staging")!.status).not.toBe("completed");
  });

  it("posts a failing config check run and does nothing else when the config is invalid", async () => {
    gh.files.set(
      `${OWNER}/${REPO}@${TAG}:.github/shipline.yml`,
      "stages:\n  - { name: staging, waves: [50, 20] }\n  - { name: prod, bake: soon }\n",
    );
    await send("release", releasePublished());
    expect(gh.checks.map((c) => c.name)).toEqual(["shipline / config"]);
    const check = gh.checks[0]!;
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(check.output.summary).toContain("`stages[0].waves` (line 2)");
    expect(check.output.summary).toContain("`stages[1].bake` (line 3)");
    expect(gh.dispatches).toEqual([]);
    expect(gh.refs.size).toBe(0);
  });

  it("refuses at publish a release whose checksum file does not list its asset, by the Action's rule", async () => {
    gh.assetTexts.set(2, `${"1".repeat(64)}  app-other.tar.gz\n`);
    await send("release", releasePublished());
    expect(gh.checks.map((c) => [c.name, c.conclusion])).toEqual([["shipline", "failure"]]);
    expect(gh.checks[0]!.output.summary).toContain("app-1.2.0.tar.gz");
    expect(gh.checks[0]!.output.summary).toContain("SHA256SUMS");
    // Nothing was dispatched, so nothing will be rolled back or locked later.
    expect(gh.dispatches).toEqual([]);
  });

  it("refuses a release whose assets a person uploaded", async () => {
    await send("release", releasePublished({ uploader: { login: "octocat", type: "User", id: 1 } }));
    expect(gh.checks.map((c) => [c.name, c.conclusion])).toEqual([["shipline", "failure"]]);
    expect(gh.checks[0]!.output.summary).toContain("`app-1.2.0.tar.gz` was uploaded by octocat (a person)");
    expect(gh.dispatches).toEqual([]);
  });

  it("refuses a release with no asset matching the config, or no checksum coverage", async () => {
    await send(
      "release",
      releasePublished({
        assets: [
          { id: 3, name: "app-1.2.0.tar.gz", size: 1, state: "uploaded", uploader: bot, digest: null },
        ],
      }),
    );
    expect(gh.checks[0]!.output.summary).toContain(
      "The checksum file `SHA256SUMS` is not attached to the release",
    );
    gh.checks.length = 0;
    gh.refs.clear(); // a new release, not a redelivery: its refusal is claimed afresh
    await send(
      "release",
      releasePublished({ assets: [{ id: 4, name: "other.zip", size: 1, state: "uploaded", uploader: bot }] }),
    );
    expect(gh.check("shipline")!.output.summary).toContain("No release asset matches `app-*.tar.gz`");
    expect(gh.dispatches).toEqual([]);
  });

  it("shows a dispatch GitHub refuses on the stage check run and gives the claim back", async () => {
    gh.failDispatch = 422;
    await send("release", releasePublished());
    expect(gh.check("shipline / staging")).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "Could not start the deploy workflow" },
    });
    expect(gh.check("shipline / staging")!.output.summary).toContain("workflow_dispatch");
    expect(gh.refs.size).toBe(0);
  });
});
