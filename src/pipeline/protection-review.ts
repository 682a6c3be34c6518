import { pipelineForTag } from "../config/index.js";
import type { Config, Pipeline, ResolvedStage } from "../config/types.js";
import type { Evaluation } from "../gates/types.js";
import { decodeRecords, encodeRecord, hasRecord } from "../records/codec.js";
import { CHECK_PREFIX, parseRunName, runName, stageCheckName } from "./identity.js";
import type { CheckRunState, Effect, Mode, ReviewState } from "./types.js";

/**
 * The deployment protection rule, decided here: which stage a waiting deploy job is (from its run-name, its
 * ref and the config at the tag), and, once the shell has evaluated that stage's gates (app/gate-facts.ts),
 * the answer to GitHub (a `review` effect) and what the stage's check run shows. The shell reads and carries out.
 */

/** A deploy job GitHub holds for the protection rule. */
export interface DeployJob {
  runId: number;
  environment: string;
  ref: string;
  sha: string;
  /** The account GitHub names as the request's sender (the one that triggered the job), when the request says. */
  sender?: { login: string; type: string };
  /** The run's page, when the shell can tell it without asking GitHub. */
  runUrl?: string;
}

/** The job's workflow run as GitHub reports it. */
export interface JobRun {
  displayTitle: string;
  triggeringActor: string;
  htmlUrl: string;
}

type RunIdentity = NonNullable<ReturnType<typeof parseRunName>>;

/** The stage a job deploys, once it checks out: what the gates are evaluated for. */
export interface ReviewTarget {
  config: Config;
  release: string;
  mode: Mode;
  pipeline: Pipeline;
  stage: ResolvedStage;
}

export interface ReviewDecision {
  effects: Effect[];
  /** One line for the log. */
  outcome: string;
}

/** The config at the job's ref as the shell read it. */
export type ConfigAtRef = { ok: true; config: Config } | { ok: false } | undefined;

function reject(job: DeployJob, why: string): ReviewDecision {
  return {
    effects: [
      { kind: "review", runId: job.runId, environment: job.environment, state: "rejected", comment: why },
    ],
    outcome: `rejected: ${why}`,
  };
}

/**
 * The job's run as the App's own record knows it, so the review need not ask GitHub for it: a rollout the App
 * dispatched on the job's ref records its run on the stage's check run (`dispatched {run}`, a check run only
 * the App can write), and the request's sender is the App that triggered it. Undefined (the shell reads the run)
 * when no record names this run (a run started by hand, a rollback or a verify round, or a request that came
 * before the App's write), when the stage's check run is completed (a re-run follows the end of a job), or when
 * a person is the sender (a re-run: the person who re-ran it is the trigger).
 */
export function dispatchedRun(job: DeployJob, checkRuns: readonly CheckRunState[]): JobRun | undefined {
  if (job.sender?.type !== "Bot" || !job.runUrl) return undefined;
  // Still in progress from that dispatch: a re-run comes only after the job ended (its check run completed), and
  // then the run is read, so whoever re-ran it is its trigger even if GitHub names a bot as the sender.
  const check = checkRuns.find(
    (c) =>
      c.name.startsWith(CHECK_PREFIX) &&
      c.status !== "completed" &&
      decodeRecords("dispatched", c.summary ?? "").some((r) => r.run === job.runId),
  );
  if (!check) return undefined;
  return {
    displayTitle: runName({
      release: job.ref,
      stage: check.name.slice(CHECK_PREFIX.length),
      mode: "rollout",
    }),
    triggeringActor: job.sender.login,
    htmlUrl: job.runUrl,
  };
}

/** The release, mode and stage a job deploys (the gates are evaluated for it next), or the rejection of a job that is not one of Shipline's. */
export function reviewTarget(job: DeployJob, run: JobRun): RunIdentity | ReviewDecision {
  const id = parseRunName(run.displayTitle);
  if (!id)
    return reject(
      job,
      `Shipline guards ${job.environment}: deploy through Shipline's workflow (publish a release, or comment /deploy <tag> to <stage>), not "${run.displayTitle}".`,
    );
  if (id.release !== job.ref)
    return reject(
      job,
      `The run deploys ${id.release} but the job checked out ${job.ref}; refusing a mismatched deploy.`,
    );
  return id;
}

/** With the config at the tag: the stage the job deploys, or why it may not. */
export function reviewStage(
  job: DeployJob,
  id: RunIdentity,
  config: ConfigAtRef,
): ReviewTarget | ReviewDecision {
  if (!config?.ok)
    return reject(
      job,
      `.github/shipline.yml at ${job.ref} is missing or invalid; fix it (see the shipline / config check run) and release again.`,
    );
  const pipeline = pipelineForTag(config.config, id.release);
  const stage = pipeline?.stages.find((s) => s.name === id.stage);
  if (!pipeline || !stage)
    return reject(job, `No stage "${id.stage}" for ${id.release} in .github/shipline.yml.`);
  if (stage.environment !== job.environment)
    return reject(job, `Stage ${stage.name} deploys to ${stage.environment}, not ${job.environment}.`);
  return { config: config.config, release: id.release, mode: id.mode, pipeline, stage };
}

export function isDecided(x: object): x is ReviewDecision {
  return "effects" in x;
}

/**
 * The answer once the gates were evaluated: approve (and a stage that showed "Waiting for approval" shows its
 * deploy again), leave the job waiting for approvals (the stage's check run says who may approve and records
 * the waiting run, so `/approve` can review it again), or reject with the reasons (the stage's check run turns
 * red with the gate table).
 */
export function decideReview(
  job: DeployJob,
  run: JobRun,
  target: ReviewTarget,
  evaluation: Evaluation,
  checkRuns: readonly (CheckRunState & { title?: string })[],
): ReviewDecision {
  const check =
    target.mode === "rollout"
      ? checkRuns.filter((c) => c.name === stageCheckName(target.stage.name)).sort((a, b) => b.id - a.id)[0]
      : undefined;
  const closed = evaluation.results.filter((r) => !r.ok);
  const base = (check?.summary ?? "").replace(/\n\n### Gates[\s\S]*$/, "");
  const table = `\n\n### Gates\n\n${evaluation.markdown}`;
  const review = (state: ReviewState): Effect => ({
    kind: "review",
    runId: job.runId,
    environment: job.environment,
    state,
    comment: evaluation.comment,
  });
  if (evaluation.verdict === "approve") {
    // The approval is the only write, unless the stage showed "Waiting for approval": the job's own
    // deployment_status moves the stage's check run next (the App showed the same gates open before it dispatched).
    const waiting = check?.status === "queued" && hasRecord("awaiting-approval", check.summary);
    return {
      effects: [
        review("approved"),
        ...(check && waiting
          ? [
              {
                kind: "update-check" as const,
                id: check.id,
                name: check.name,
                status: "in_progress" as const,
                title: `Deploying ${target.release} to ${job.environment}`,
                summary: `${base}${table}`,
                detailsUrl: run.htmlUrl,
              },
            ]
          : []),
      ],
      outcome: "approved",
    };
  }
  if (evaluation.verdict === "wait") {
    const record = encodeRecord("awaiting-approval", { run: job.runId, environment: job.environment });
    return {
      effects: check
        ? [
            {
              kind: "update-check",
              id: check.id,
              name: check.name,
              status: "queued",
              title: `Waiting for approval: ${closed[0]?.reason ?? ""}`.slice(0, 200),
              summary: `${base}${table}\n\nAnother engineer with write access approves with \`/approve ${target.release} to ${target.stage.name}\`.\n\n${record}`,
              detailsUrl: run.htmlUrl,
            },
          ]
        : [],
      outcome: "waiting for approval",
    };
  }
  const gates = closed.map((r) => r.gate).join(", ");
  return {
    effects: [
      review("rejected"),
      ...(check
        ? [
            {
              kind: "update-check" as const,
              id: check.id,
              name: check.name,
              status: "completed" as const,
              conclusion: "failure" as const,
              title: `Blocked by ${gates}`,
              summary: `${base}${table}\n\n${evaluation.comment}`,
              detailsUrl: run.htmlUrl,
            },
          ]
        : []),
    ],
    outcome: `rejected by ${gates}`,
  };
}
