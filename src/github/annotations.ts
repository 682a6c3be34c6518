import { VERIFY_FAILED, VERIFY_INCONCLUSIVE } from "../verify/outcome.js";
import type { GitHubClient, RepoRef } from "./client.js";

/**
 * Why a deploy job failed, from the error annotations the Action left on the job's check run: verification
 * failed, verification was inconclusive, or (undefined) the rollout itself failed.
 */
export async function jobVerification(
  gh: GitHubClient,
  repo: RepoRef,
  checkRunId: number,
): Promise<{ verification: "failed" | "inconclusive"; description?: string } | undefined> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", {
    ...repo,
    check_run_id: checkRunId,
    per_page: 50,
  });
  for (const a of data as { title?: string | null; message?: string }[]) {
    if (a.title === VERIFY_INCONCLUSIVE)
      return { verification: "inconclusive", ...(a.message ? { description: a.message } : {}) };
    if (a.title === VERIFY_FAILED)
      return { verification: "failed", ...(a.message ? { description: a.message } : {}) };
  }
  return undefined;
}
