import type { ShiplineGitHub } from "./github.js";

/** States a deployment that once succeeded may have later: GitHub marks it inactive when a newer one succeeds. */
const STILL_GOOD = new Set(["success", "inactive"]);

/**
 * The release the environment ran before: the newest deployment of `environment` that succeeded (and was not
 * failed afterwards, as a rolled-back release is) whose ref is none of `exclude`.
 */
export async function previousRelease(
  github: ShiplineGitHub,
  environment: string,
  exclude: readonly string[],
): Promise<string | null> {
  const deployments = await github.listDeployments(environment);
  const newestFirst = [...deployments].sort(
    (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
  );
  for (const deployment of newestFirst) {
    if (exclude.includes(deployment.ref)) continue;
    const statuses = await github.listDeploymentStatuses(deployment.id);
    const latest = statuses[0]?.state;
    if (statuses.some((s) => s.state === "success") && latest !== undefined && STILL_GOOD.has(latest))
      return deployment.ref;
  }
  return null;
}
