// A workflow check through the GitHub stand-in's runner: the built Action (Node 24) deploys the canary, then, with
// the job's own token, dispatches the repository's load-test workflow with the stage and version as inputs,
// finds its run, waits for its conclusion and counts it. The stand-in's runner "runs" the load test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseAssets } from "../../tools/e2e/assets.js";
import { runnerNode } from "../../tools/e2e/world.js";
import { type RunningStandin, startStandin, type WorkflowJob } from "../../tools/standin/index.js";
import { type ActionRun, runDeployJob } from "../../tools/standin/runner.js";
import { BUNDLE, buildBundle } from "../action/helpers/bundle.js";

let root: string;
let gh: RunningStandin;
/** What the load test concludes, per version; a version missing here makes it wait until `release()` is called. */
const verdicts = new Map<string, "success" | "failure">();
const loadTests: WorkflowJob[] = [];
const deployJobs: ActionRun[] = [];
let releaseHeld: () => void = () => undefined;

const config = (timeout: string) => `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
driver: { type: directory, path: "${root}/targets/{target}", keep: 3 }
stages:
  - { name: canary, environment: production, percent: 50, verify: [load] }
checks:
  load: { workflow: { file: load-test.yml, timeout: ${timeout}, poll: 1s, inputs: { users: "200", target: "{environment}" } } }
`;
let currentConfig = "";

async function deploy(tag: string): Promise<ActionRun> {
  const repo = gh.standin.repo();
  const release = gh.standin.createRelease({ tag, assets: releaseAssets(root, tag) });
  for (const a of release.assets) a.uploader = { login: "github-actions[bot]", id: 41898282, type: "Bot" };
  const sha = gh.standin.resolveRef(repo, tag)!;
  const run = gh.standin.createRun(repo, "shipline.yml", tag, sha, {
    release: tag,
    stage: "canary",
    mode: "rollout",
    environment: "production",
  });
  const before = deployJobs.length;
  await gh.standin.execute(repo, run);
  return deployJobs[before]!;
}

beforeAll(async () => {
  buildBundle();
  root = mkdtempSync(join(tmpdir(), "shipline-workflow-check-"));
  gh = await startStandin({
    repo: "acme/web",
    workflows: ["shipline.yml", "load-test.yml"],
    jobsWithoutEnvironment: ["load-test.yml"],
    runner: async (job) => {
      if (job.workflow === "load-test.yml") {
        loadTests.push(job);
        const version = job.inputs.version ?? "";
        let verdict = verdicts.get(version);
        if (!verdict) {
          await new Promise<void>((resolve) => {
            releaseHeld = resolve;
          });
          verdict = "success";
        }
        return { conclusion: verdict };
      }
      const result = await runDeployJob(job, {
        root,
        config: currentConfig,
        bundle: BUNDLE,
        node: runnerNode(),
        // No Shipline App in this test: the runs are created directly, so nothing clears them.
        clearance: "off",
      });
      deployJobs.push(result);
      return { conclusion: result.exitCode === 0 ? "success" : "failure", output: result.stdout };
    },
  });
}, 120_000);
afterAll(async () => {
  releaseHeld();
  await gh?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe("a workflow check (a load test in another workflow)", () => {
  it("dispatches the load test with the stage and version, waits for it, passes, and links its run", {
    timeout: 120_000,
  }, async () => {
    currentConfig = config("2m");
    verdicts.set("v1.0.0", "success");
    const job = await deploy("v1.0.0");
    expect(job.exitCode, job.stdout).toBe(0);
    const dispatch = gh.standin.repo().dispatches.find((d) => d.workflowId === "load-test.yml");
    expect(dispatch).toMatchObject({
      ref: "v1.0.0",
      inputs: { stage: "canary", version: "v1.0.0", users: "200", target: "production" },
      returnRunDetails: true,
    });
    expect(loadTests.map((j) => j.inputs.version)).toEqual(["v1.0.0"]);
    // A load-test job declares no environment: no deployment came of it.
    const deployments = gh.standin.repo().deployments;
    expect(deployments.map((d) => d.environment)).toEqual(["production"]);
    const runUrl = `${gh.url}/acme/web/actions/runs/${dispatch?.runId}`;
    expect(job.summary).toContain(`[load-test.yml run ${dispatch?.runId}](${runUrl})`);
    expect(job.stdout).toContain(
      "[load] dispatched load-test.yml on v1.0.0 with stage=canary version=v1.0.0",
    );
  });

  it("a failed load test fails verification (the job's 'verification failed' annotation makes the App roll back)", {
    timeout: 120_000,
  }, async () => {
    verdicts.set("v1.1.0", "failure");
    const job = await deploy("v1.1.0");
    expect(job.exitCode).toBe(1);
    expect(job.stdout).toMatch(
      /::error title=shipline%3A verification failed::.*load-test\.yml run \d+ concluded failure/,
    );
    expect(job.summary).toMatch(/\| load \| 1 \| ❌ Failed \|.*\[load-test\.yml run \d+\]/);
  });

  it("a load test still running at the check's bound is an error, never a pass; the run is left alone", {
    timeout: 120_000,
  }, async () => {
    currentConfig = config("3s");
    const job = await deploy("v1.2.0");
    expect(job.exitCode).toBe(1);
    expect(job.stdout).toMatch(/load-test\.yml run \d+ was still in_progress after 3s; it was left running/);
    expect(job.stdout).toContain("Verification could not measure");
    const run = gh.standin
      .repo()
      .runs.find((r) => r.workflowFile === "load-test.yml" && r.inputs.version === "v1.2.0");
    expect(run?.status).toBe("in_progress");
    releaseHeld();
    await gh.standin.settled();
    expect(gh.violations).toEqual([]);
  });
});
