import nock from "nock";
import { describe, expect, it } from "vitest";
import { buildTimeline } from "../../src/audit/timeline.js";
import { makeAuditCommand } from "../../src/cli/commands/audit.js";
import { runCli } from "../../src/cli/run.js";
import { encodeApproval, encodeHotfix, encodeLock, encodeRecord } from "../../src/records/codec.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";

const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const api = "https://api.github.com";
const app = { id: 1234, slug: "shipline" };

/** GitHub's answers for one release, as the App and Actions left them (records written by Shipline's own encoders). */
function recorded() {
  const release = {
    id: 1,
    tag_name: "v1.2.0",
    author: { login: "release-bot[bot]" },
    created_at: "2026-03-04T09:58:00Z",
    published_at: "2026-03-04T10:00:00Z",
    html_url: "https://github.com/acme/web/releases/tag/v1.2.0",
    prerelease: false,
  };
  const checkRuns = [
    {
      id: 10,
      name: "shipline",
      status: "in_progress",
      conclusion: null,
      started_at: "2026-03-04T10:00:05Z",
      completed_at: null,
      details_url: null,
      app,
      output: {
        title: "Deploying v1.2.0",
        summary: `pipeline\n\n${encodeHotfix({ release: "v1.2.0", by: "carol", reason: "fix login outage", at: new Date("2026-03-04T10:20:00Z") })}\n\n${encodeRecord("pause", { by: "dave" })}`,
      },
    },
    {
      id: 11,
      name: "shipline / staging",
      status: "completed",
      conclusion: "success",
      started_at: "2026-03-04T10:01:00Z",
      completed_at: "2026-03-04T10:05:00Z",
      details_url: "https://github.com/acme/web/actions/runs/501",
      app,
      output: {
        title: "Deployed v1.2.0 to staging",
        summary: `ok\n\n${encodeRecord("dispatched", { run: 501 })}`,
      },
    },
    {
      id: 12,
      name: "shipline / production",
      status: "completed",
      conclusion: "neutral",
      started_at: "2026-03-04T10:30:00Z",
      completed_at: "2026-03-04T10:41:00Z",
      details_url: null,
      app,
      output: {
        title: "Rolled back to v1.1.0",
        summary: [
          "Blocked by windows",
          encodeApproval({
            login: "bob",
            stage: "production",
            release: "v1.2.0",
            at: new Date("2026-03-04T10:29:00Z"),
          }),
          encodeRecord("command", {
            command: "/rollback production -- errors up",
            actor: "erin",
            at: new Date("2026-03-04T10:38:00Z"),
            outcome: "accepted",
            release: "v1.2.0",
          }),
          encodeLock({
            environment: "production",
            owner: "erin",
            reason: "automatic rollback",
            at: new Date("2026-03-04T10:41:30Z"),
          }),
          encodeRecord("rolled-back", { to: "v1.1.0", stage: "production" }),
          // the same approval copied into a rewritten summary appears once
          encodeApproval({
            login: "bob",
            stage: "production",
            release: "v1.2.0",
            at: new Date("2026-03-04T10:29:00Z"),
          }),
        ].join("\n\n"),
      },
    },
    // Another App's run with a Shipline name is not Shipline's record.
    {
      id: 13,
      name: "shipline / production",
      status: "completed",
      conclusion: "success",
      started_at: "2026-03-04T10:31:00Z",
      completed_at: "2026-03-04T10:32:00Z",
      details_url: null,
      app: { id: 999, slug: "impostor" },
      output: {
        title: "All good",
        summary: encodeApproval({
          login: "mallory",
          stage: "production",
          release: "v1.2.0",
          at: new Date("2026-03-04T10:31:00Z"),
        }),
      },
    },
    {
      id: 14,
      name: "build",
      status: "completed",
      conclusion: "success",
      started_at: "2026-03-04T09:50:00Z",
      completed_at: "2026-03-04T09:55:00Z",
      details_url: null,
      app: { id: 15368, slug: "github-actions" },
      output: { title: null, summary: null },
    },
  ];
  const deployments = [
    {
      id: 700,
      environment: "production",
      ref: "v1.2.0",
      created_at: "2026-03-04T10:30:10Z",
      creator: { login: "github-actions[bot]" },
    },
  ];
  const statuses = [
    {
      id: 2,
      state: "failure",
      created_at: "2026-03-04T10:36:00Z",
      description: "verification failed: error-rate 0.04 > 0.01",
      creator: { login: "github-actions[bot]" },
      log_url: "https://github.com/acme/web/actions/runs/503/job/1",
    },
    {
      id: 1,
      state: "in_progress",
      created_at: "2026-03-04T10:30:20Z",
      description: "",
      creator: { login: "github-actions[bot]" },
      log_url: null,
    },
  ];
  return { release, checkRuns, deployments, statuses };
}

function mockGitHub() {
  const r = recorded();
  return nock(api)
    .get("/repos/acme/web/releases/tags/v1.2.0")
    .reply(200, r.release)
    .get("/repos/acme/web/commits/v1.2.0")
    .reply(200, { sha: SHA })
    .get(`/repos/acme/web/commits/${SHA}/check-runs`)
    .query({ filter: "all", per_page: "100", page: "1" })
    .reply(200, { total_count: r.checkRuns.length, check_runs: r.checkRuns })
    .get("/repos/acme/web/deployments")
    .query({ ref: "v1.2.0", per_page: "100", page: "1" })
    .reply(200, r.deployments)
    .get("/repos/acme/web/deployments/700/statuses")
    .query({ per_page: "100", page: "1" })
    .reply(200, r.statuses);
}

async function audit(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const command = makeAuditCommand({ env: { GITHUB_TOKEN: "ghp_test" } });
  const code = await runCli(["audit", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, [
    command,
  ]);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("shipline audit", () => {
  const traffic = expectValidGitHubTraffic();
  it("rebuilds the release's timeline from GitHub's records alone, as text", async () => {
    const scope = mockGitHub();
    const result = await audit("v1.2.0", "--repo", "acme/web");
    scope.done();
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      [
        "Release v1.2.0 (commit a1b2c3d) https://github.com/acme/web/releases/tag/v1.2.0",
        "",
        "2026-03-04 10:00:00Z  release     v1.2.0 published by @release-bot[bot]  <https://github.com/acme/web/releases/tag/v1.2.0>",
        "2026-03-04 10:00:05Z  release     release in progress: Deploying v1.2.0",
        "2026-03-04 10:00:05Z  release     paused by @dave",
        "2026-03-04 10:05:00Z  staging     staging success: Deployed v1.2.0 to staging  <https://github.com/acme/web/actions/runs/501>",
        "2026-03-04 10:05:00Z  staging     deploy job dispatched (workflow run 501)  <https://github.com/acme/web/actions/runs/501>",
        "2026-03-04 10:20:00Z  release     hotfix declared by @carol: fix login outage (bake times skipped)",
        "2026-03-04 10:29:00Z  production  approved v1.2.0 for production by @bob",
        "2026-03-04 10:30:10Z  production  deployment 700 to production created",
        "2026-03-04 10:30:20Z  production  production: in_progress",
        "2026-03-04 10:36:00Z  production  production: failure: verification failed: error-rate 0.04 > 0.01  <https://github.com/acme/web/actions/runs/503/job/1>",
        "2026-03-04 10:38:00Z  production  /rollback production -- errors up by @erin: accepted",
        "2026-03-04 10:41:00Z  production  production neutral: Rolled back to v1.1.0",
        "2026-03-04 10:41:00Z  production  rolled back to v1.1.0",
        "2026-03-04 10:41:30Z  production  production locked by @erin: automatic rollback",
      ].join("\n"),
    );
    expect(result.out).not.toContain("mallory");
    expect(traffic.current().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/acme/web/releases/tags/v1.2.0",
      "GET /repos/acme/web/commits/v1.2.0",
      `GET /repos/acme/web/commits/${SHA}/check-runs`,
      "GET /repos/acme/web/deployments",
      "GET /repos/acme/web/deployments/700/statuses",
    ]);
  });

  it("prints the same timeline as JSON", async () => {
    const scope = mockGitHub();
    const result = await audit("v1.2.0", "--json", "--repo", "acme/web");
    scope.done();
    const parsed = JSON.parse(result.out);
    expect(parsed.release).toMatchObject({ tag: "v1.2.0", sha: SHA, author: "release-bot[bot]" });
    expect(parsed.entries.map((e: { kind: string }) => e.kind)).toEqual([
      "release.published",
      "release.in_progress",
      "pause",
      "stage.success",
      "dispatched",
      "hotfix",
      "approval",
      "deployment.created",
      "deployment.in_progress",
      "deployment.failure",
      "command",
      "stage.neutral",
      "rolled-back",
      "lock",
    ]);
    expect(parsed.entries.find((e: { kind: string }) => e.kind === "approval")).toEqual({
      at: "2026-03-04T10:29:00.000Z",
      kind: "approval",
      stage: "production",
      actor: "bob",
      text: "approved v1.2.0 for production by @bob",
      source: "check run shipline / production",
    });
  });

  it("needs a repository and a tag", async () => {
    expect((await audit("--json")).code).toBe(2);
    const noRepo = await audit("v1.2.0");
    expect(noRepo.code).toBe(2);
    expect(noRepo.err).toContain("--repo owner/name");
  });

  it("ignores forged or broken records in a summary", () => {
    const timeline = buildTimeline({
      release: {
        tag: "v1",
        sha: SHA,
        author: "a",
        createdAt: null,
        publishedAt: "2026-01-01T00:00:00Z",
        htmlUrl: "",
        prerelease: false,
      },
      checkRuns: [
        {
          id: 1,
          name: "shipline",
          status: "completed",
          conclusion: "success",
          startedAt: "2026-01-01T00:00:01Z",
          completedAt: "2026-01-01T00:00:02Z",
          title: null,
          summary:
            '<!-- shipline:approval {"login": -->\n<!-- shipline:approval [1,2] -->\n<!-- shipline:resume {"by":"zed"} -->',
          detailsUrl: null,
          appId: 1,
        },
      ],
      deployments: [],
    });
    expect(timeline.entries.map((e) => e.text)).toEqual([
      "v1 published by @a",
      "release success",
      "resumed by @zed",
    ]);
  });
});
