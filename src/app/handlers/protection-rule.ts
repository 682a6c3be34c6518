import type { Probot } from "probot";
import { applyReview } from "../../github/apply-review.js";
import type { GitHubClient } from "../../github/client.js";
import { ProtectionGateway, runIdFromCallback } from "../../github/protection.js";
import {
  type DeployJob,
  decideReview,
  dispatchedRun,
  isDecided,
  type ReviewDecision,
  reviewStage,
  reviewTarget,
} from "../../pipeline/protection-review.js";
import type { AppDeps } from "../deps.js";
import { evaluateStageGates } from "../gate-facts.js";
import { gatewayFor } from "../gateway-for.js";
import { loadConfig } from "../load-config.js";

export type { DeployJob } from "../../pipeline/protection-review.js";

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
      sender?: { login?: string; type?: string };
    };
    const runId = runIdFromCallback(payload.deployment_callback_url ?? "");
    const environment = payload.environment ?? payload.deployment?.environment;
    if (!runId || !environment || !payload.deployment)
      return void context.log.warn("protection rule request without a run or environment");
    const { owner, repo } = context.repo();
    const protection = new ProtectionGateway(context.octokit as unknown as GitHubClient, { owner, repo });
    const { sender } = payload;
    const outcome = await reviewDeployJob(context, deps, protection, {
      runId,
      environment,
      ref: payload.deployment.ref,
      sha: payload.deployment.sha,
      ...(sender?.login && sender.type ? { sender: { login: sender.login, type: sender.type } } : {}),
      ...(payload.repository?.html_url
        ? { runUrl: `${payload.repository.html_url}/actions/runs/${runId}` }
        : {}),
    });
    context.log.info(`protection rule ${environment} run ${runId}: ${outcome}`);
  });
}

type Ctx = Parameters<typeof gatewayFor>[0];

/**
 * Reviews one waiting deploy job: reads Shipline's check runs, the job's run (only when no record of the App's
 * names it: `dispatchedRun`), the config at its tag and the gates' facts; the core
 * (pipeline/protection-review.ts) decides; the answer and the check-run update are carried out.
 */
export async function reviewDeployJob(
  context: Ctx,
  deps: AppDeps,
  protection: ProtectionGateway,
  job: DeployJob,
): Promise<string> {
  const gw = gatewayFor(context, deps);
  const carryOut = async (decision: ReviewDecision) => {
    await applyReview(protection, gw, decision.effects);
    return decision.outcome;
  };
  // Shipline's check runs first: the App's own record of the dispatch names the run, which saves reading it.
  const shiplineChecks = await gw.shiplineChecks(job.sha);
  const run = dispatchedRun(job, shiplineChecks) ?? (await protection.workflowRun(job.runId));
  const id = reviewTarget(job, run);
  if (isDecided(id)) return carryOut(id);
  const config = await loadConfig(gw, job.ref);
  const target = reviewStage(job, id, config);
  if (isDecided(target)) return carryOut(target);
  const evaluation = await evaluateStageGates(context, deps, gw, {
    config: target.config,
    pipeline: target.pipeline,
    stage: target.stage,
    mode: target.mode,
    release: { tag: target.release, sha: job.sha },
    shiplineChecks,
    run: { id: job.runId, triggeringActor: run.triggeringActor },
  });
  return carryOut(decideReview(job, run, target, evaluation, shiplineChecks));
}
