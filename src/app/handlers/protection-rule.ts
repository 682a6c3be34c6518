import type { Probot } from "probot";
import { pipelineForTag } from "../../config/index.js";
import type { GitHubClient } from "../../github/client.js";
import { ProtectionGateway, runIdFromCallback } from "../../github/protection.js";
import { findCheck, parseRunName, stageCheckName } from "../../pipeline/index.js";
import { encodeRecord, hasRecord } from "../../records/codec.js";
import type { AppDeps } from "../deps.js";
import { evaluateStageGates } from "../gate-facts.js";
import { gatewayFor } from "../gateway-for.js";
import { loadConfig } from "../load-config.js";

/**
 * Shipline as the environments' custom deployment protection rule: every deploy job waits here until the
 * stage's gates are open. Closed gates reject the job with the reasons; a job that only lacks approvals
 * waits (unanswered) until `/approve` re-runs this review.
 */
export function registerProtectionRule(app: Probot, deps: AppDeps): void {
  app.on("deployment_protection_rule.requested", async (context) => {
    const payload = context.payload as typeof context.payload & {
      deployment_callback_url?: string;
      environment?: string;
    };
    const runId = runIdFromCallback(payload.deployment_callback_url ?? "");
    const environment = payload.environment ?? payload.deployment?.environment;
    if (!runId || !environment || !payload.deployment)
      return void context.log.warn("protection rule request without a run or environment");
    const { owner, repo } = context.repo();
    const protection = new ProtectionGateway(context.octokit as unknown as GitHubClient, { owner, repo });
    const outcome = await reviewDeployJob(context, deps, protection, {
      runId,
      environment,
      ref: payload.deployment.ref,
      sha: payload.deployment.sha,
    });
    context.log.info(`protection rule ${environment} run ${runId}: ${outcome}`);
  });
}

export interface DeployJob {
  runId: number;
  environment: string;
  ref: string;
  sha: string;
}

type Ctx = Parameters<typeof gatewayFor>[0];

/** Evaluates the gates for one waiting deploy job and answers it (or leaves it waiting for approvals). */
export async function reviewDeployJob(
  context: Ctx,
  deps: AppDeps,
  protection: ProtectionGateway,
  job: DeployJob,
): Promise<string> {
  const reject = async (why: string) => {
    await protection.review(job.runId, job.environment, "rejected", why);
    return `rejected: ${why}`;
  };
  const run = await protection.workflowRun(job.runId);
  const id = parseRunName(run.displayTitle);
  if (!id) {
    return reject(
      `Shipline guards ${job.environment}: deploy through Shipline's workflow (publish a release, or comment /deploy <tag> to <stage>), not "${run.displayTitle}".`,
    );
  }
  if (id.release !== job.ref)
    return reject(
      `The run deploys ${id.release} but the job checked out ${job.ref}; refusing a mismatched deploy.`,
    );

  const gw = gatewayFor(context, deps);
  const config = await loadConfig(gw, job.ref);
  if (!config?.ok)
    return reject(
      `.github/shipline.yml at ${job.ref} is missing or invalid; fix it (see the shipline / config check run) and release again.`,
    );
  const pipeline = pipelineForTag(config.config, id.release);
  const stage = pipeline?.stages.find((s) => s.name === id.stage);
  if (!pipeline || !stage) return reject(`No stage "${id.stage}" for ${id.release} in .github/shipline.yml.`);
  if (stage.environment !== job.environment)
    return reject(`Stage ${stage.name} deploys to ${stage.environment}, not ${job.environment}.`);

  const shiplineChecks = await gw.shiplineChecks(job.sha);
  const snapshot = { release: { tag: id.release } as never, checkRuns: shiplineChecks };
  const evaluation = await evaluateStageGates(context, deps, gw, {
    config: config.config,
    pipeline,
    stage,
    mode: id.mode,
    release: { tag: id.release, sha: job.sha },
    shiplineChecks,
    run: { id: job.runId, triggeringActor: run.triggeringActor },
  });

  const check = id.mode === "rollout" ? findCheck(snapshot, stageCheckName(stage.name)) : undefined;
  const closed = evaluation.results.filter((r) => !r.ok);
  const base = (check?.summary ?? "").replace(/\n\n### Gates[\s\S]*$/, "");
  const table = `\n\n### Gates\n\n${evaluation.markdown}`;
  if (evaluation.verdict === "approve") {
    // The approval is the only write: the job's own deployment_status moves the stage's check run next
    // (the App already showed the same gates open before it dispatched). One write per stage saved.
    await protection.review(job.runId, job.environment, "approved", evaluation.comment);
    // A stage that showed "Waiting for approval" shows its deploy again (the job's in_progress status writes
    // nothing: the dispatch already wrote the check run in progress).
    if (check?.status === "queued" && hasRecord("awaiting-approval", check.summary)) {
      await gw.updateCheck(check.id, {
        name: check.name,
        status: "in_progress",
        title: `Deploying ${id.release} to ${job.environment}`,
        summary: `${base}${table}`,
        detailsUrl: run.htmlUrl,
      });
    }
    return "approved";
  }
  if (evaluation.verdict === "wait") {
    if (check) {
      await gw.updateCheck(check.id, {
        name: check.name,
        status: "queued",
        title: `Waiting for approval: ${closed[0]?.reason ?? ""}`.slice(0, 200),
        summary: `${base}${table}\n\nAnother engineer with write access approves with \`/approve ${id.release} to ${stage.name}\`.\n\n${encodeRecord("awaiting-approval", { run: job.runId, environment: job.environment })}`,
        detailsUrl: run.htmlUrl,
      });
    }
    return "waiting for approval";
  }
  await protection.review(job.runId, job.environment, "rejected", evaluation.comment);
  if (check) {
    await gw.updateCheck(check.id, {
      name: check.name,
      status: "completed",
      conclusion: "failure",
      title: `Blocked by ${closed.map((r) => r.gate).join(", ")}`,
      summary: `${base}${table}\n\n${evaluation.comment}`,
      detailsUrl: run.htmlUrl,
    });
  }
  return `rejected by ${closed.map((r) => r.gate).join(", ")}`;
}
