import { Octokit } from "@octokit/rest";
import nock from "nock";
import { describe, expect, it } from "vitest";
import {
  allowInvalidGitHubRequests,
  expectValidGitHubTraffic,
  recordGitHubRequests,
} from "../support/openapi.js";

const sha = "d6fde92930d4715a2b49857d24b940956b26d2d3";

function octokit(baseUrl = "https://api.github.com"): Octokit {
  return new Octokit({ auth: "token", baseUrl, request: { retries: 0 } });
}

describe("recordGitHubRequests", () => {
  it("records requests nock answered, with path, query and JSON body", async () => {
    const traffic = recordGitHubRequests();
    nock("https://api.github.com")
      .post("/repos/o/r/check-runs")
      .reply(201, { id: 1 })
      .get("/repos/o/r/commits/v1/check-runs")
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] });
    await octokit().checks.create({ owner: "o", repo: "r", name: "shipline / staging", head_sha: sha });
    await octokit().checks.listForRef({ owner: "o", repo: "r", ref: "v1", check_name: "shipline / staging" });
    traffic.stop();
    expect(
      traffic.requests.map(({ method, path, query, body, matched }) => ({
        method,
        path,
        query,
        body,
        matched,
      })),
    ).toEqual([
      {
        method: "POST",
        path: "/repos/o/r/check-runs",
        query: {},
        body: { name: "shipline / staging", head_sha: sha },
        matched: true,
      },
      {
        method: "GET",
        path: "/repos/o/r/commits/v1/check-runs",
        query: { check_name: "shipline / staging" },
        body: undefined,
        matched: true,
      },
    ]);
    expect(() => traffic.assertValid()).not.toThrow();
  });

  it("fails listing every request GitHub would not accept, matched or not", async () => {
    allowInvalidGitHubRequests();
    const traffic = recordGitHubRequests();
    nock("https://api.github.com").post("/repos/o/r/check-runs").reply(201, { id: 1 });
    await octokit().request("POST /repos/{owner}/{repo}/check-runs", {
      owner: "o",
      repo: "r",
      name: "x",
      head_sha: sha,
      colour: "red",
    });
    // No interceptor matches this one: nock answers 501 and the recorder still sees it.
    await expect(
      octokit().request("POST /repos/{owner}/{repo}/deployment-thing", { owner: "o", repo: "r", data: 1 }),
    ).rejects.toThrow();
    await traffic.settle();
    traffic.stop();
    expect(traffic.requests.map((r) => r.matched)).toEqual([true, false]);
    expect(() => traffic.assertValid()).toThrow(
      /2 GitHub request\(s\)[\s\S]*body\.colour: unknown property[\s\S]*deployment-thing: no such endpoint/,
    );
  });

  it("records requests to a GHES-style /api/v3 base and ignores other hosts", async () => {
    const traffic = recordGitHubRequests();
    nock("https://ghe.example.com").get("/api/v3/repos/o/r/installation").reply(200, {});
    nock("https://hooks.slack.com").post("/services/x").reply(200, "ok");
    await octokit("https://ghe.example.com/api/v3").apps.getRepoInstallation({ owner: "o", repo: "r" });
    await fetch("https://hooks.slack.com/services/x", { method: "POST", body: "{}" });
    traffic.stop();
    expect(traffic.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /repos/o/r/installation"]);
  });

  it("stops recording after stop()", async () => {
    const traffic = recordGitHubRequests();
    traffic.stop();
    nock("https://api.github.com").get("/app").reply(200, {});
    await octokit().apps.getAuthenticated();
    expect(traffic.requests).toEqual([]);
  });
});

describe("expectValidGitHubTraffic", () => {
  const traffic = expectValidGitHubTraffic();
  it("exposes the running test's requests", async () => {
    nock("https://api.github.com").post("/repos/o/r/actions/workflows/shipline.yml/dispatches").reply(204);
    await octokit().actions.createWorkflowDispatch({
      owner: "o",
      repo: "r",
      workflow_id: "shipline.yml",
      ref: "v1.2.0",
      inputs: {
        release: "v1.2.0",
        stage: "staging",
        mode: "rollout",
        pipeline: "default",
        environment: "staging",
      },
    });
    expect(traffic.current().requests).toHaveLength(1);
  });
});
