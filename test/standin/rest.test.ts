import { createHash } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import type { RunningStandin } from "../../tools/standin/index.js";
import { allowInvalidGitHubRequests } from "../support/openapi.js";
import { REPO, standinWithToken } from "./helpers.js";

const [owner = "", repo = ""] = REPO.split("/");
let gh: RunningStandin;
let octokit: Octokit;

beforeEach(async () => {
  ({ gh, octokit } = await standinWithToken());
});

afterEach(async () => {
  await gh.stop();
});

describe("GitHub stand-in REST API", () => {
  it("authenticates the App and finds its installation", async () => {
    const asApp = new Octokit({ baseUrl: gh.apiUrl, auth: "a.b.c", request: { fetch: httpFetch } });
    expect((await asApp.apps.getAuthenticated()).data?.slug).toBe("shipline");
    expect((await asApp.apps.getRepoInstallation({ owner, repo })).data.id).toBe(gh.standin.installationId);
    gh.assertNoViolations();
  });

  it("refuses a token it did not issue", async () => {
    const stranger = new Octokit({ baseUrl: gh.apiUrl, auth: "ghs_unknown", request: { fetch: httpFetch } });
    await expect(stranger.repos.listReleases({ owner, repo })).rejects.toMatchObject({ status: 401 });
  });

  it("serves releases, their assets with digests, and the asset bytes", async () => {
    const bytes = Buffer.from("tarball bytes \u0000\u0001");
    gh.standin.createRelease({ tag: "v1.0.0", assets: [{ name: "app-1.0.0.tar.gz", data: bytes }] });
    gh.standin.createRelease({ tag: "v1.1.0", assets: [{ name: "app-1.1.0.tar.gz", data: "newer" }] });

    const { data: rel } = await octokit.repos.getReleaseByTag({ owner, repo, tag: "v1.0.0" });
    expect(rel.tag_name).toBe("v1.0.0");
    const list = await octokit.repos.listReleases({ owner, repo });
    expect(list.data.map((r) => r.tag_name)).toEqual(["v1.1.0", "v1.0.0"]);
    const { data: assets } = await octokit.repos.listReleaseAssets({ owner, repo, release_id: rel.id });
    const asset = assets[0];
    expect(asset?.name).toBe("app-1.0.0.tar.gz");
    expect(asset?.digest).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    expect(asset?.uploader?.login).toBe("octocat");

    const download = await octokit.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      owner,
      repo,
      asset_id: asset?.id ?? 0,
      headers: { accept: "application/octet-stream" },
    });
    expect(Buffer.from(download.data as unknown as ArrayBuffer)).toEqual(bytes);
    const browser = await fetch(asset?.browser_download_url ?? "");
    expect(Buffer.from(await browser.arrayBuffer())).toEqual(bytes);

    await expect(octokit.repos.getReleaseByTag({ owner, repo, tag: "v9" })).rejects.toMatchObject({
      status: 404,
    });
    gh.assertNoViolations();
  });

  it("serves the config file and git refs, and refuses to create an existing ref", async () => {
    gh.standin.setFile(".github/shipline.yml", "workflow: shipline.yml\n");
    const { data } = await octokit.repos.getContent({ owner, repo, path: ".github/shipline.yml" });
    expect("content" in data && Buffer.from(data.content, "base64").toString()).toBe(
      "workflow: shipline.yml\n",
    );

    const sha = "a".repeat(40);
    await octokit.git.createRef({ owner, repo, ref: "refs/tags/shipline/lock", sha });
    expect((await octokit.git.getRef({ owner, repo, ref: "tags/shipline/lock" })).data.object.sha).toBe(sha);
    await expect(
      octokit.git.createRef({ owner, repo, ref: "refs/tags/shipline/lock", sha }),
    ).rejects.toMatchObject({
      status: 422,
    });
    await expect(octokit.git.getRef({ owner, repo, ref: "tags/nope" })).rejects.toMatchObject({
      status: 404,
    });
    gh.assertNoViolations();
  });

  it("creates, updates, gets and lists check runs for a ref", async () => {
    const release = gh.standin.createRelease({ tag: "v2.0.0" });
    const { data: created } = await octokit.checks.create({
      owner,
      repo,
      name: "shipline / staging",
      head_sha: release.sha,
      status: "in_progress",
      output: { title: "Deploying", summary: "v2.0.0 to staging" },
    });
    await octokit.checks.update({
      owner,
      repo,
      check_run_id: created.id,
      conclusion: "success",
      output: { title: "Deployed", summary: "done" },
      actions: [{ label: "Promote", description: "Promote to canary", identifier: "promote" }],
    });
    const { data: got } = await octokit.checks.get({ owner, repo, check_run_id: created.id });
    expect([got.status, got.conclusion, got.output.title]).toEqual(["completed", "success", "Deployed"]);
    const { data: listed } = await octokit.checks.listForRef({
      owner,
      repo,
      ref: "v2.0.0",
      check_name: "shipline / staging",
    });
    expect(listed.check_runs.map((c) => c.id)).toEqual([created.id]);
    gh.assertNoViolations();
  });

  it("records workflow dispatches and answers 204, or 200 with run details when asked", async () => {
    gh.standin.createRelease({ tag: "v3.0.0" });
    const inputs = {
      release: "v3.0.0",
      stage: "staging",
      mode: "rollout",
      pipeline: "default",
      environment: "staging",
    };
    const plain = await octokit.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: "shipline.yml",
      ref: "v3.0.0",
      inputs,
    });
    expect(plain.status).toBe(204);
    const detailed = await octokit.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        owner,
        repo,
        workflow_id: "shipline.yml",
        ref: "v3.0.0",
        inputs,
        return_run_details: true,
      },
    );
    expect(detailed.status).toBe(200);
    const state = gh.state.get(REPO);
    expect(state?.dispatches.map((d) => [d.ref, d.inputs.stage, d.returnRunDetails])).toEqual([
      ["v3.0.0", "staging", false],
      ["v3.0.0", "staging", true],
    ]);
    const run = state?.runs[1];
    expect(detailed.data).toEqual({
      workflow_run_id: run?.id,
      run_url: `${gh.apiUrl}/repos/${REPO}/actions/runs/${run?.id}`,
      html_url: `${gh.url}/${REPO}/actions/runs/${run?.id}`,
    });
    expect(run?.displayTitle).toBe("shipline: v3.0.0 to staging [rollout]");
    await expect(
      octokit.actions.createWorkflowDispatch({ owner, repo, workflow_id: "other.yml", ref: "v3.0.0" }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.actions.createWorkflowDispatch({ owner, repo, workflow_id: "shipline.yml", ref: "v404" }),
    ).rejects.toMatchObject({ status: 422 });
    gh.assertNoViolations();
  });

  it("creates deployments and statuses and lists them newest first", async () => {
    gh.standin.createRelease({ tag: "v4.0.0" });
    const { data: d } = await octokit.repos.createDeployment({
      owner,
      repo,
      ref: "v4.0.0",
      environment: "staging",
      auto_merge: false,
      required_contexts: [],
      payload: { shipline: { stage: "staging" } },
    });
    if (!("id" in d)) throw new Error("expected a deployment");
    await octokit.repos.createDeploymentStatus({ owner, repo, deployment_id: d.id, state: "in_progress" });
    await octokit.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: d.id,
      state: "success",
      description: "ok",
    });
    const statuses = await octokit.repos.listDeploymentStatuses({ owner, repo, deployment_id: d.id });
    expect(statuses.data.map((s) => s.state)).toEqual(["success", "in_progress"]);
    const listed = await octokit.repos.listDeployments({ owner, repo, environment: "staging" });
    expect(listed.data.map((x) => x.payload)).toEqual([{ shipline: { stage: "staging" } }]);
    expect((await octokit.repos.getDeployment({ owner, repo, deployment_id: d.id })).data.sha).toBe(
      gh.standin.repo().refs.get("refs/tags/v4.0.0"),
    );
    gh.assertNoViolations();
  });

  it("gets and puts environments with their protections", async () => {
    await expect(
      octokit.repos.getEnvironment({ owner, repo, environment_name: "production" }),
    ).rejects.toMatchObject({
      status: 404,
    });
    await octokit.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: "production",
      wait_timer: 5,
      prevent_self_review: true,
      reviewers: [{ type: "User", id: 7 }],
    });
    const { data } = await octokit.repos.getEnvironment({ owner, repo, environment_name: "production" });
    expect(data.protection_rules?.map((r) => r.type)).toEqual(["wait_timer", "required_reviewers"]);
    gh.assertNoViolations();
  });

  it("stores comments and reactions, and answers collaborator permissions", async () => {
    const { data: c } = await octokit.issues.createComment({
      owner,
      repo,
      issue_number: 5,
      body: "Rolling back v1.1.0",
    });
    expect(c.user?.login).toBe("shipline[bot]");
    await octokit.reactions.createForIssueComment({ owner, repo, comment_id: c.id, content: "rocket" });
    const comments = await octokit.issues.listComments({ owner, repo, issue_number: 5 });
    expect(comments.data.map((x) => [x.body, x.reactions?.rocket])).toEqual([["Rolling back v1.1.0", 1]]);

    gh.standin.setPermission("alice", "write");
    const { data: perm } = await octokit.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: "alice",
    });
    expect([perm.permission, perm.role_name]).toEqual(["write", "write"]);
    const { data: none } = await octokit.repos.getCollaboratorPermissionLevel({
      owner,
      repo,
      username: "mallory",
    });
    expect(none.permission).toBe("none");
    gh.assertNoViolations();
  });

  it("answers 400 and records a violation for a request GitHub would not accept", async () => {
    allowInvalidGitHubRequests();
    const err = await octokit
      .request("POST /repos/{owner}/{repo}/check-runs", {
        owner,
        repo,
        name: "x",
        head_sha: "a",
        colour: "red",
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(gh.violations.join("\n")).toMatch(/body\.colour: unknown property/);
    expect(() => gh.assertNoViolations()).toThrow(/1 violation/);
  });

  it("records a violation for valid GitHub endpoints it does not implement", async () => {
    await expect(octokit.repos.get({ owner, repo })).rejects.toMatchObject({ status: 404 });
    expect(gh.violations.join("\n")).toMatch(/does not implement/);
  });
});

describe("conditional requests", () => {
  it("answers a repeated contents read with 304 when the ETag matches, as GitHub does", async () => {
    const { gh, token } = await standinWithToken();
    try {
      gh.standin.repo(REPO).files.set(".github/shipline.yml", "stages: [{ name: a }]");
      const url = `${gh.apiUrl}/repos/${REPO}/contents/.github%2Fshipline.yml`;
      const headers = { authorization: `token ${token}`, accept: "application/vnd.github+json" };
      const first = await httpFetch(url, { headers });
      const etag = first.headers.get("etag") ?? "";
      expect(first.status).toBe(200);
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      expect((await httpFetch(url, { headers: { ...headers, "if-none-match": etag } })).status).toBe(304);
      gh.standin.repo(REPO).files.set(".github/shipline.yml", "stages: [{ name: b }]");
      expect((await httpFetch(url, { headers: { ...headers, "if-none-match": etag } })).status).toBe(200);
      expect(gh.violations).toEqual([]);
    } finally {
      await gh.stop();
    }
  });
});
