import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import * as core from "@actions/core";
import type { Fetch } from "../../src/artifacts/download.js";
import { CONFIG_PATH } from "../../src/config/parse.js";
import { checkClearance } from "./clearance.js";
import { type CommitChecks, commitChecks } from "./commit-checks.js";
import type { ActionInputs, Log, ModeContext, ModeResult } from "./context.js";
import { restClient } from "./github.js";
import { Input, isMode, MODES } from "./io.js";
import { resolveJobConfig } from "./job-config.js";
import { jobLog, printable } from "./log.js";
import { rollback } from "./modes/rollback.js";
import { rollout } from "./modes/rollout.js";
import { verify } from "./modes/verify.js";
import { announce } from "./report/announce.js";
import { type JobFacts, verdictAnnotation } from "./report/verdict.js";

const MODE_RUNNERS = { rollout, rollback, verify } as const;

export interface RunnerDeps {
  env: NodeJS.ProcessEnv;
  fetch: Fetch;
}

function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const mode = core.getInput(Input.mode) || "rollout";
  if (!isMode(mode)) throw new Error(`mode "${mode}" is not one of ${MODES.join(", ")}`);
  const token = core.getInput(Input.token);
  if (token) core.setSecret(token);
  const release = core.getInput(Input.release, { required: mode !== "rollback" });
  return {
    release,
    stage: core.getInput(Input.stage, { required: true }),
    mode,
    token,
    config: core.getInput(Input.config) || CONFIG_PATH,
    pipeline: core.getInput(Input.pipeline),
    from: core.getInput(Input.from),
    reason: core.getInput(Input.reason),
    workDir: core.getInput(Input.workDir) || join(env.RUNNER_TEMP || tmpdir(), "shipline"),
    clearance: readClearance(core.getInput(Input.clearance)),
  };
}

const log: Log = jobLog;

/** Reads inputs and the config (one parser with the App), picks pipeline and stage, and runs the mode. */
async function execute(deps: RunnerDeps, facts: JobFacts): Promise<ModeResult> {
  const { env } = deps;
  const inputs = readInputs(env);
  facts.mode = inputs.mode;
  const repository = env.GITHUB_REPOSITORY;
  if (!repository)
    throw new Error("GITHUB_REPOSITORY is not set; run the Action in a GitHub Actions workflow");
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const apiUrl = env.GITHUB_API_URL || "https://api.github.com";
  const configPath = isAbsolute(inputs.config) ? inputs.config : join(workspace, inputs.config);
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch {
    throw new Error(
      `cannot read ${inputs.config}: check out the repository (actions/checkout) before this step`,
    );
  }
  const github = restClient(apiUrl, repository, inputs.token, deps.fetch);
  // One list of the commit's check runs serves the org defaults and the clearance.
  const checks = commitChecks(github, env.GITHUB_SHA ?? "");
  const { pipeline, stage } = await resolveJobConfig(
    github,
    {
      text,
      file: inputs.config,
      sha: env.GITHUB_SHA,
      tag: inputs.release || inputs.from,
      ...(inputs.pipeline ? { pipeline: inputs.pipeline } : {}),
      stage: inputs.stage,
    },
    checks,
  );
  facts.environment = stage.environment;
  const context: ModeContext = {
    inputs,
    pipeline,
    stage,
    github,
    endpoint: { apiUrl, repository, token: inputs.token, fetch: deps.fetch },
    workspace: resolve(workspace),
    workDir: resolve(inputs.workDir),
    env,
    log,
  };
  if (inputs.mode === "rollout" && inputs.clearance === "required") await requireClearance(context, checks);
  return announce(context, { fetch: deps.fetch, mask: core.setSecret }, () =>
    MODE_RUNNERS[inputs.mode](context),
  );
}

function readClearance(value: string): "required" | "off" {
  if (value === "" || value === "required") return "required";
  if (value === "off") return "off";
  throw new Error(`clearance "${value}" is not one of required, off`);
}

/**
 * On plans without protection rules anyone with write access can run the deploy workflow by hand: the Action
 * rolls out only a run Shipline dispatched after the stage's gates were open, and refuses any other before it
 * downloads or touches anything.
 */
async function requireClearance(context: ModeContext, checks: CommitChecks): Promise<void> {
  const { env, inputs, stage } = context;
  const runId = Number(env.GITHUB_RUN_ID);
  const sha = env.GITHUB_SHA ?? "";
  const what = `${inputs.release} to ${stage.name}`;
  const how = `Rollouts go through Shipline, which checks the stage's gates (approvals, windows, locks, bake, error budget) first: publish a release, or comment \`/deploy ${inputs.release} to ${stage.name}\` or \`/promote\` on an issue or pull request, and see the \`shipline / ${stage.name}\` check run for the gates. Without the Shipline App, set the Action's \`clearance: off\`.`;
  if (!runId || !/^[0-9a-f]{40}$/.test(sha))
    throw new Error(
      `refusing to roll out ${what}: GITHUB_RUN_ID and GITHUB_SHA are not set, so Shipline's clearance cannot be checked. ${how}`,
    );
  const verdict = await checkClearance(checks, sha, {
    stage: stage.name,
    runId,
    waitMs: Number(env.SHIPLINE_CLEARANCE_WAIT_MS ?? 60_000),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  if (!verdict.ok)
    throw new Error(`refusing to roll out ${what}: ${verdict.why} Nothing was deployed. ${how}`);
  context.log.info(`Shipline cleared workflow run ${runId} for ${what}`);
}

/** The one place the step ends: outputs, job summary, then success or failure (a thrown non-Error fails too). */
async function finish(result: ModeResult, facts: JobFacts): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  if (result.summary) {
    try {
      await core.summary.addRaw(result.summary).write();
    } catch (error) {
      core.warning(
        `could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (result.ok) return void core.info(printable(result.message));
  // Exactly one error, the last the step writes: the verdict the App reads (report/verdict.ts).
  const verdict = verdictAnnotation(result, facts);
  if (verdict.title) {
    core.error(verdict.message, { title: verdict.title });
    process.exitCode = 1;
  } else core.setFailed(verdict.message);
}

export async function run(deps: RunnerDeps = { env: process.env, fetch: globalThis.fetch }): Promise<void> {
  let result: ModeResult;
  const facts: JobFacts = {};
  try {
    result = await execute(deps, facts);
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error), outputs: {} };
  }
  try {
    await finish(result, facts);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
