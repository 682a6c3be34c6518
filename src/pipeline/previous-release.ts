/**
 * "The environment's previous good release", one rule for the App (/rollback, automatic rollback), the
 * Action (rollback target, the canary's baseline) and the CLI.
 *
 * A deployment counts when it once succeeded and nothing failed it since: its newest status is `success`, or
 * `inactive` after a `success` (GitHub marks an environment's earlier deployment inactive when a newer one
 * succeeds, so the release a rollback should return to is usually `inactive`). A deployment whose newest
 * status is `failure` or `error` (a release that was rolled back by a failed verification) does not count.
 */
import { pipelineForTag } from "../config/match.js";
import type { Config } from "../config/types.js";

/** What the rule reads; the shells pass GitHub-backed readers (lists newest first, paged lazily). */
export interface DeploymentHistory {
  /** The environment's deployments, newest first, one page at a time (`page` from 1; [] when done). */
  deployments(environment: string, page: number): Promise<{ id: number; ref: string; createdAt: string }[]>;
  /** A deployment's statuses, newest first. */
  statuses(deploymentId: number): Promise<{ state: string }[]>;
}

/** Whether a deployment with these statuses (newest first) is a release the environment ran successfully. */
export function stillGood(statuses: readonly { state: string }[]): boolean {
  const latest = statuses[0]?.state;
  return (
    (latest === "success" || latest === "inactive") && statuses.some((status) => status.state === "success")
  );
}

/** Pages read at most: 3 x 100 deployments reach far beyond any release a rollback would go back to. */
const MAX_PAGES = 3;

/** The newest release (deployment ref) that is still good in `environment`, other than those in `exclude`. */
export async function previousGoodRelease(
  history: DeploymentHistory,
  environment: string,
  exclude: readonly string[],
): Promise<string | null> {
  const judged = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const deployments = await history.deployments(environment, page);
    if (deployments.length === 0) return null;
    const newestFirst = [...deployments].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id,
    );
    for (const deployment of newestFirst) {
      if (exclude.includes(deployment.ref) || judged.has(deployment.ref)) continue;
      // A release's newest deployment decides: a bake's verify jobs deploy the same tag again, so an earlier
      // passing round must not make good a release whose later round failed.
      judged.add(deployment.ref);
      if (stillGood(await history.statuses(deployment.id))) return deployment.ref;
    }
    if (deployments.length < 100) return null;
  }
  return null;
}

/**
 * The environment's previous good release as a failed deploy job reported it: the Action found it by the rule
 * above before it rolled out, and its verdict annotation carries it (records codec, `verdict`), so the App does
 * not read the deployments again.
 */
export interface ReportedPrevious {
  environment: string;
  /** null: the job found no earlier good release. */
  release: string | null;
}

/** A reported previous release the App will not roll back to, and why (said on the check runs). */
export interface RefusedTarget {
  refused: string;
}

/** What a failed stage rolls back to: a release, nothing (there is none), or a reported one it refused. */
export type RollbackTarget = string | undefined | RefusedTarget;

export const isRefused = (target: RollbackTarget): target is RefusedTarget =>
  typeof target === "object" && target !== null;

/**
 * Whether the release a failed job reported may be rolled back to. The report is only as trusted as the verdict
 * it rides on (text any later step could print), so it must name the failed job's own environment and a release
 * tag of the failed release's pipeline other than that release. Anything else is refused, never "corrected":
 * the user is told and decides (`/rollback`).
 */
export function reportedTarget(
  config: Config,
  failed: { release: string; environment: string },
  reported: ReportedPrevious,
): string | null | RefusedTarget {
  const { environment, release } = reported;
  if (environment !== failed.environment)
    return {
      refused: `the deploy job reported the previous release of \`${environment}\`, not of \`${failed.environment}\``,
    };
  if (release === null) return null;
  const pipeline = pipelineForTag(config, failed.release);
  if (release === failed.release)
    return {
      refused: `the deploy job reported \`${release}\`, the failed release itself, as the one before it`,
    };
  if (!pipeline || pipelineForTag(config, release)?.name !== pipeline.name)
    return {
      refused: `the deploy job reported \`${release}\` as the previous release, which is not a release tag of pipeline \`${pipeline?.name ?? "?"}\``,
    };
  return release;
}
