import nock from "nock";
import type { Probot } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runName } from "../../src/pipeline/identity.js";
import { encodeApproval, encodeLock } from "../../src/records/codec.js";
import { API, type FakeGitHub, fakeGitHub } from "../support/fake-github.js";
import { type MetricsService, startMetricsService } from "../support/metrics-service.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { testProbot } from "../support/probot.js";
import { type PrometheusServer, startPrometheus } from "../support/prometheus.js";
import { deploymentProtectionRulePayload } from "../support/webhooks.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const SHA = "c".repeat(40);
const TAG = "v2.0.0";
const NOW = new Date("2026-11-18T10:00:00Z"); // a Wednesday

const CONFIG = `
stages:
  - { name: staging }
  - { name: canary, environment: production, bake: 30m }
  - { name: production }
`;

describe("the deployment protection rule: a stage's gates decide whether its deploy job runs", () => {
  expectValidGitHubTraffic();
  let gh: FakeGitHub;
  let runs = 0;

  beforeEach(() => {
    gh = fakeGitHub(OWNER, REPO);
    gh.tags.set(TAG, SHA);
    const base = `/repos/${OWNER}/${REPO}`;
    nock(API)
      .persist()
      .get(`${base}/releases/tags/${TAG}`)
      .reply(200, {
        id: 7,
        tag_name: TAG,
        draft: false,
        prerelease: false,
        html_url: "https://github.com/x",
        author: { login: "alice", type: "User" },
        assets: [],
      });
  });

  function setConfig(text: string) {
    gh.files.set(`${OWNER}/${REPO}@${TAG}:.github/shipline.yml`, text);
  }

  /** The release's check runs as the pipeline left them: staging and canary done (canary at `canaryDone`). */
  function seedChecks(canaryDone = "2026-11-18T09:00:00Z", productionSummary = "") {
    const at = "2026-11-18T08:00:00Z";
    gh.checks.push(
      {
        id: 1,
        head_sha: SHA,
        name: "shipline",
        status: "in_progress",
        conclusion: null,
        details_url: null,
        output: { title: "", summary: "" },
        started_at: at,
      },
      {
        id: 2,
        head_sha: SHA,
        name: "shipline / staging",
        status: "completed",
        conclusion: "success",
        details_url: null,
        output: { title: "", summary: "" },
        started_at: at,
      },
      {
        id: 3,
        head_sha: SHA,
        name: "shipline / canary",
        status: "completed",
        conclusion: "success",
        details_url: null,
        output: { title: "", summary: "" },
        started_at: at,
      },
      {
        id: 4,
        head_sha: SHA,
        name: "shipline / production",
        status: "queued",
        conclusion: null,
        details_url: null,
        output: { title: "", summary: productionSummary },
        started_at: at,
      },
    );
    (gh.checks[2] as unknown as Record<string, string>).completed_at = canaryDone;
  }

  async function request(
    probot: Probot,
    stage: string,
    environment: string,
    mode: "rollout" | "rollback" = "rollout",
    actor = "shipline[bot]",
  ) {
    const runId = 500 + ++runs;
    gh.runs.set(runId, {
      display_title: runName({
        release: TAG,
        stage,
        mode,
        ...(mode === "rollback" ? { from: "v2.1.0" } : {}),
      }),
      triggering_actor: actor,
    });
    const payload = deploymentProtectionRulePayload({
      environment,
      deployment_callback_url: `https://api.github.com/repos/${OWNER}/${REPO}/actions/runs/${runId}/deployment_protection_rule`,
      deployment: { ref: TAG, sha: SHA, environment },
    });
    (payload as Record<string, unknown>).installation = { id: 1, node_id: "x" };
    await probot.receive({
      id: String(runId),
      name: "deployment_protection_rule",
      payload: payload as never,
    });
    return gh.reviews.find((r) => r.runId === runId);
  }

  it("approves a stage whose gates are open with the approval as its only write", async () => {
    setConfig(CONFIG);
    seedChecks();
    gh.checks[3]!.output.summary =
      `pipeline\n\n${encodeApproval({ login: "bob", stage: "production", release: TAG, at: new Date("2026-11-18T09:30:00Z") })}`;
    const review = await request(testProbot({ now: () => NOW }), "production", "production");
    expect(review).toMatchObject({ state: "approved", environment_name: "production" });
    expect(review!.comment).toContain(`Shipline approved ${TAG} to production`);
    // The App showed the gates before dispatching; the job's deployment_status moves the check run next.
    expect(
      gh.calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path.replace(/\d+/g, "N")}`),
    ).toEqual(["POST /repos/Codertocat/Hello-World/actions/runs/N/deployment_protection_rule"]);
  });

  it("rejects a stage whose previous stage has not finished baking in its deploy job", async () => {
    setConfig(CONFIG);
    seedChecks();
    Object.assign(gh.checks[2]!, { status: "in_progress", conclusion: null }); // canary still verifying
    gh.checks[3]!.output.summary = encodeApproval({
      login: "bob",
      stage: "production",
      release: TAG,
      at: new Date("2026-11-18T09:55:00Z"),
    });
    const review = await request(testProbot({ now: () => NOW }), "production", "production");
    expect(review!.state).toBe("rejected");
    expect(review!.comment).toMatch(
      /\[bake\] canary has not finished for v2\.0\.0, so its 30m bake has not started/,
    );
    expect(gh.check("shipline / production")).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(gh.check("shipline / production")!.output.title).toMatch(/^Blocked by .*bake/);
  });

  it("leaves a production job waiting for a second engineer, and a self-approval does not count", async () => {
    setConfig(CONFIG);
    seedChecks(
      "2026-11-18T09:00:00Z",
      encodeApproval({
        login: "alice",
        stage: "production",
        release: TAG,
        at: new Date("2026-11-18T09:40:00Z"),
      }),
    );
    const review = await request(testProbot({ now: () => NOW }), "production", "production");
    expect(review).toBeUndefined();
    const check = gh.check("shipline / production")!;
    expect(check.output.title).toMatch(/^Waiting for approval/);
    expect(check.output.summary).toContain(`/approve ${TAG} to production`);
    expect(check.output.summary).toMatch(
      /<!-- shipline:awaiting-approval \{"run":\d+,"environment":"production"\} -->/,
    );
  });

  it("rejects deploys during a freeze, but lets a rollback through", async () => {
    setConfig(
      `${CONFIG}\ngates:\n  freezes: [{ from: "2026-11-17", until: "2026-11-19", reason: "Black Friday" }]\n`,
    );
    seedChecks();
    const probot = testProbot({ now: () => NOW });
    const review = await request(probot, "staging", "staging");
    expect(review!.state).toBe("rejected");
    expect(review!.comment).toContain("Black Friday");
    expect((await request(probot, "staging", "staging", "rollback"))!.state).toBe("approved");
  });

  it("rejects a deploy into an environment someone else locked, and names the owner", async () => {
    setConfig(CONFIG);
    seedChecks();
    gh.variables.set(
      "staging:SHIPLINE_LOCK",
      encodeLock({
        environment: "staging",
        owner: "carol",
        reason: "migrating the database",
        at: new Date("2026-11-18T09:00:00Z"),
      }),
    );
    const review = await request(testProbot({ now: () => NOW }), "staging", "staging");
    expect(review!.state).toBe("rejected");
    expect(review!.comment).toContain("carol");
    expect(review!.comment).toContain("migrating the database");
  });

  it("never lets two rollouts overlap in one environment, but a rollback does not wait", async () => {
    setConfig(CONFIG);
    seedChecks();
    gh.checks[3]!.output.summary = encodeApproval({
      login: "bob",
      stage: "production",
      release: TAG,
      at: new Date("2026-11-18T09:30:00Z"),
    });
    gh.activeRuns.push({
      id: 4040,
      display_title: runName({ release: TAG, stage: "canary", mode: "rollout" }),
    });
    const probot = testProbot({ now: () => NOW });
    const review = await request(probot, "production", "production");
    expect(review!.state).toBe("rejected");
    expect(review!.comment).toContain(`[overlap] ${TAG} is still deploying to production (stage canary`);
    expect((await request(probot, "production", "production", "rollback"))!.state).toBe("approved");
    // A running job in another environment is no obstacle.
    gh.activeRuns[0]!.display_title = runName({ release: TAG, stage: "staging", mode: "rollout" });
    expect((await request(probot, "production", "production"))!.state).toBe("approved");
  });

  it("rejects a job into a guarded environment that is not a Shipline deploy", async () => {
    setConfig(CONFIG);
    const runId = 999;
    gh.runs.set(runId, { display_title: "Deploy from my laptop", triggering_actor: "mallory" });
    const payload = deploymentProtectionRulePayload({
      environment: "production",
      deployment_callback_url: `https://api.github.com/repos/${OWNER}/${REPO}/actions/runs/${runId}/deployment_protection_rule`,
      deployment: { ref: "main", sha: SHA, environment: "production" },
    });
    (payload as Record<string, unknown>).installation = { id: 1, node_id: "x" };
    await testProbot().receive({ id: "x", name: "deployment_protection_rule", payload: payload as never });
    expect(gh.reviews).toEqual([
      expect.objectContaining({
        runId,
        state: "rejected",
        comment: expect.stringContaining("deploy through Shipline"),
      }),
    ]);
  });

  describe("with a real Prometheus measuring the service's errors", () => {
    let service: MetricsService;
    let prometheus: PrometheusServer;
    beforeAll(async () => {
      service = await startMetricsService({ versions: { [TAG]: 0.2 } });
      prometheus = await startPrometheus({ targets: [service.address], scrapeInterval: "1s" });
      await service.waitForScrapes(3);
    }, 60_000);
    afterAll(async () => {
      await prometheus?.stop();
      await service?.close();
    });

    it("blocks a deploy while the error budget is spent, with the figures, and never blocks a rollback", async () => {
      const query =
        'sum(rate(http_requests_total{code=~"5.."}[{window}])) / sum(rate(http_requests_total[{window}]))';
      setConfig(
        `${CONFIG}\ngates:\n  error-budget: { slo: 99.9, window: 30s, burn-rate: [{ long: 10s, short: 5s, factor: 14.4 }], prometheus: { url: "${prometheus.url}", query: '${query}' } }\n`,
      );
      seedChecks();
      const probot = testProbot({ now: () => new Date() });
      const review = await request(probot, "staging", "staging");
      expect(review!.state).toBe("rejected");
      expect(review!.comment).toMatch(/\[error-budget\]/);
      expect(review!.comment).toMatch(/99\.9/);
      expect(review!.comment).not.toMatch(/could not be read|no data/);
      expect((await request(probot, "staging", "staging", "rollback"))!.state).toBe("approved");
    }, 60_000);
  });
});
