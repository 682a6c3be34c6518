import type { Probot } from "probot";
import type { Config } from "../../config/types.js";
import { type JobVerification, jobVerification } from "../../github/annotations.js";
import type { GitHubClient } from "../../github/client.js";
import type { GitHubGateway } from "../../github/gateway.js";
import { EnvironmentLocks } from "../../github/locks.js";
import { releaseOfDeployment, statusMatters, statusRelease } from "../../pipeline/deployment-facts.js";
import {
  needsJobReport,
  needsPreviousRelease,
  onDeploymentStatus,
  parseRunName,
} from "../../pipeline/index.js";
import {
  type ReportedPrevious,
  type RollbackTarget,
  reportedTarget,
} from "../../pipeline/previous-release.js";
import type { StageEvent } from "../../pipeline/types.js";
import { appLogin } from "../app-login.js";
import type { AppDeps } from "../deps.js";
import { applyWithGates } from "../gated-apply.js";
import { gatewayFor } from "../gateway-for.js";
import { loadConfig } from "../load-config.js";

/**
 * deployment_status from a stage's deploy job. The job's run-name (workflow_run.display_title) names the
 * release, stage and mode; the deployment's ref must be that release's tag, or the event is not ours. What
 * matters and which release it moves are the core's (pipeline/deployment-facts.ts); the shell reads and carries out.
 */
export function registerDeploymentStatus(app: Probot, deps: AppDeps): void {
  app.on("deployment_status.created", async (context) => {
    const { deployment, deployment_status: status, workflow_run: run, check_run: job } = context.payload;
    if (!statusMatters(status.state)) return;
    const id = parseRunName(run?.display_title);
    if (!id) return void context.log.debug(`deployment ${deployment.id}: not a Shipline run`);
    if (deployment.ref !== id.release) {
      return void context.log.warn(
        `deployment ${deployment.id} ref ${deployment.ref} does not match run ${run?.display_title}: ignored`,
      );
    }
    const gw = gatewayFor(context, deps);
    const target = statusRelease(id, deployment.sha);
    const tag = target.tag;
    // The config, the commit and Shipline's check runs on it do not depend on each other: one round trip.
    const commit = "sha" in target ? Promise.resolve(target.sha) : gw.tagCommit(target.commitOf);
    const checks = commit.then((sha) => gw.shiplineChecks(sha));
    checks.catch(() => undefined); // awaited below; not an unhandled rejection if the config stops us first
    const [config, sha] = await Promise.all([loadConfig(gw, tag), commit]);
    if (!config?.ok)
      return void context.log.warn(`config at ${tag} missing or invalid: deployment_status ignored`);
    const event: StageEvent = {
      ...id,
      state: status.state as StageEvent["state"],
      environment: deployment.environment,
      deploymentId: deployment.id,
      ...(status.log_url ? { logUrl: status.log_url } : {}),
      ...(run?.html_url ? { runUrl: run.html_url } : {}),
      ...(typeof run?.id === "number" ? { runId: run.id } : {}),
      ...(status.description ? { description: status.description } : {}),
    };
    // The job's verdict is read beside the check runs (already on their way).
    const [verdict, checkRuns] = await Promise.all([
      job?.id && needsJobReport(config.config, event)
        ? jobVerification(context.octokit as unknown as GitHubClient, gw.repo, job.id)
        : ({} as JobVerification),
      checks,
    ]);
    const { previous: reported, ...found } = verdict;
    Object.assign(event, found);
    const release = releaseOfDeployment(context.payload.repository.html_url, tag, sha);
    const snapshot = { release, checkRuns };
    const previous = needsPreviousRelease(config.config, event)
      ? await rollbackTarget(gw, config.config, event, reported)
      : undefined;
    const decision = onDeploymentStatus(config.config, snapshot, event, previous, deps.now());
    context.log.info(`deployment_status ${status.state} ${tag}/${id.stage} [${id.mode}]: ${decision.reason}`);
    const locking = decision.effects.some((e) => e.kind === "lock")
      ? {
          locks: new EnvironmentLocks(context.octokit as unknown as GitHubClient, gw.repo),
          owner: await appLogin(app, deps.env),
          now: deps.now(),
        }
      : undefined;
    await applyWithGates(context, deps, gw, config.config, snapshot, decision, context.log, {
      ...(locking ? { locking } : {}),
    });
  });
}

/**
 * Where an automatic rollback goes: the previous good release the failed job reported in its verdict (it found it
 * by the shared rule before rolling out), checked by the core; only when the verdict carries none (an older
 * Action, a job that failed before it looked, a later step's error) does the App read the deployments itself.
 */
async function rollbackTarget(
  gw: GitHubGateway,
  config: Config,
  event: StageEvent,
  reported: ReportedPrevious | undefined,
): Promise<RollbackTarget> {
  if (!reported) return gw.previousSuccessfulRelease(event.environment, event.release);
  return reportedTarget(config, event, reported) ?? undefined;
}
