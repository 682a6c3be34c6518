import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { httpFetch } from "../../tools/standin/http-fetch.js";
import type { RunningStandin, WorkflowJob } from "../../tools/standin/index.js";
import { runActionBundle } from "../../tools/standin/runner.js";
import { validateWebhookPayload, validateWebhookPayloadOpenApi } from "../support/webhooks.js";
import { REPO, standinWithToken, startReceiver } from "./helpers.js";

const [owner = "", repo = ""] = REPO.split("/");
let gh: RunningStandin | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;

afterEach(async () => {
  await gh?.stop();
  await receiver?.close();
});

const inputs = {
  release: "v2.0.0",
  stage: "canary",
  mode: "rollout",
  pipeline: "default",
  environment: "production",
};

async function dispatch(octokit: Octokit): Promise<void> {
  await octokit.actions.createWorkflowDispatch({
    owner,
    repo,
    workflow_id: "shipline.yml",
    ref: "v2.0.0",
    inputs,
  });
}

describe("dispatched workflow runs", () => {
  it("creates the job's deployment, posts its statuses and delivers the webhooks in order", async () => {
    receiver = await startReceiver();
    const jobs: WorkflowJob[] = [];
    const started = await standinWithToken({
      webhookUrl: receiver.url,
      runner: async (job) => {
        jobs.push(job);
        return { conclusion: "success" };
      },
    });
    gh = started.gh;
    const release = gh.standin.createRelease({ tag: "v2.0.0" });
    await dispatch(started.octokit);
    await gh.standin.settled();

    expect(
      receiver.received.map(
        (r) =>
          `${r.event}:${(r.payload.deployment_status as { state?: string } | undefined)?.state ?? r.action}`,
      ),
    ).toEqual(["deployment:created", "deployment_status:in_progress", "deployment_status:success"]);
    const first = receiver.received[0]?.payload as {
      deployment: { ref: string; sha: string; environment: string; creator: { login: string } };
      workflow_run: { display_title: string; id: number };
    };
    expect(first.deployment).toMatchObject({ ref: "v2.0.0", sha: release.sha, environment: "production" });
    expect(first.deployment.creator.login).toBe("github-actions[bot]");
    expect(first.workflow_run.display_title).toBe("shipline: v2.0.0 to canary [rollout]");
    for (const r of receiver.received) {
      expect(r.signatureValid).toBe(true);
      expect(validateWebhookPayload(r.event, r.payload)).toEqual([]);
    }
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      inputs,
      environment: "production",
      sha: release.sha,
      runId: first.workflow_run.id,
    });
    expect(jobs[0]?.env).toMatchObject({
      GITHUB_REPOSITORY: REPO,
      GITHUB_REF: "refs/tags/v2.0.0",
      GITHUB_API_URL: gh.apiUrl,
    });

    const statuses = await started.octokit.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: jobs[0]?.deploymentId ?? 0,
    });
    expect(statuses.data.map((s) => s.state)).toEqual(["success", "in_progress"]);
    const run = await started.octokit.actions.getWorkflowRun({ owner, repo, run_id: first.workflow_run.id });
    expect([run.data.status, run.data.conclusion, run.data.display_title]).toEqual([
      "completed",
      "success",
      "shipline: v2.0.0 to canary [rollout]",
    ]);
    gh.assertNoViolations();
  });

  it("the job's token works against the stand-in; a failing job ends in a failure status", async () => {
    receiver = await startReceiver();
    const started = await standinWithToken({
      webhookUrl: receiver.url,
      runner: async (job) => {
        const { Octokit } = await import("@octokit/rest");
        const asJob = new Octokit({ baseUrl: job.apiUrl, auth: job.token, request: { fetch: httpFetch } });
        await asJob.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: job.deploymentId,
          state: "in_progress",
          description: "wave 1/3",
        });
        return { conclusion: "failure" };
      },
    });
    gh = started.gh;
    gh.standin.createRelease({ tag: "v2.0.0" });
    await dispatch(started.octokit);
    await gh.standin.settled();
    const states = receiver.received
      .filter((r) => r.event === "deployment_status")
      .map((r) => (r.payload.deployment_status as { state: string; description: string }).state);
    expect(states).toEqual(["in_progress", "in_progress", "failure"]);
    gh.assertNoViolations();
  });

  it("waits for the App's review when the environment has a custom protection rule", async () => {
    receiver = await startReceiver();
    let ran = false;
    const started = await standinWithToken({
      webhookUrl: receiver.url,
      runner: async () => {
        ran = true;
        return { conclusion: "success" };
      },
    });
    gh = started.gh;
    gh.standin.setEnvironment("production", { customRule: true });
    gh.standin.createRelease({ tag: "v2.0.0" });
    await dispatch(started.octokit);
    while (!receiver.received.some((r) => r.event === "deployment_protection_rule")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(ran).toBe(false);
    const request = receiver.received.find((r) => r.event === "deployment_protection_rule")?.payload ?? {};
    expect(validateWebhookPayloadOpenApi("deployment_protection_rule", request)).toEqual([]);
    const callback = String(request.deployment_callback_url);
    expect(callback).toMatch(/\/actions\/runs\/\d+\/deployment_protection_rule$/);
    await started.octokit.request(`POST ${callback}`, {
      environment_name: "production",
      state: "approved",
      comment: "gates open",
    });
    await gh.standin.settled();
    expect(ran).toBe(true);
    expect(
      receiver.received
        .filter((r) => r.event === "deployment_status")
        .map((r) => (r.payload.deployment_status as { state: string }).state),
    ).toEqual(["waiting", "in_progress", "success"]);
    expect(gh.state.get(REPO)?.reviews).toEqual([
      expect.objectContaining({ environment: "production", state: "approved", comment: "gates open" }),
    ]);
    gh.assertNoViolations();
  });

  it("a rejected review fails the deployment without running the job", async () => {
    receiver = await startReceiver();
    let ran = false;
    const started = await standinWithToken({
      webhookUrl: receiver.url,
      runner: async () => {
        ran = true;
        return { conclusion: "success" };
      },
    });
    gh = started.gh;
    gh.standin.setEnvironment("production", { customRule: true });
    gh.standin.createRelease({ tag: "v2.0.0" });
    await dispatch(started.octokit);
    while (!receiver.received.some((r) => r.event === "deployment_protection_rule")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const runId = gh.state.get(REPO)?.runs[0]?.id ?? 0;
    await started.octokit.actions.reviewCustomGatesForRun({
      owner,
      repo,
      run_id: runId,
      environment_name: "production",
      state: "rejected",
      comment: "window closed",
    });
    await gh.standin.settled();
    expect(ran).toBe(false);
    expect(gh.state.get(REPO)?.runs[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    gh.assertNoViolations();
  });
});

describe("runActionBundle", () => {
  it("runs a bundle like a runner: INPUT_* and GITHUB_* env, event file, outputs and summary read back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bundle-"));
    const bundle = join(dir, "index.mjs");
    await writeFile(
      bundle,
      [
        'import { appendFileSync, readFileSync } from "node:fs";',
        "const event = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8'));",
        'appendFileSync(process.env.GITHUB_OUTPUT, "stage=" + process.env.INPUT_STAGE + "\\nnotes<<EOF\\nline 1\\nline 2\\nEOF\\n");',
        'appendFileSync(process.env.GITHUB_STEP_SUMMARY, "### " + event.inputs.release + " on " + process.env.GITHUB_REPOSITORY + "\\n");',
        "console.log('deploying');",
        "process.exit(process.env.INPUT_DRY_RUN === 'true' ? 0 : 3);",
      ].join("\n"),
    );
    await chmod(bundle, 0o755);
    const result = await runActionBundle({
      bundle,
      env: { GITHUB_REPOSITORY: REPO },
      inputs: { stage: "canary", "dry run": "false" },
      event: { inputs: { release: "v2.0.0" } },
    });
    expect(result).toMatchObject({
      exitCode: 3,
      outputs: { stage: "canary", notes: "line 1\nline 2" },
      summary: `### v2.0.0 on ${REPO}\n`,
    });
    expect(result.stdout).toContain("deploying");
  });
});
