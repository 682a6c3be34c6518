import { VERIFY_FAILED, VERIFY_INCONCLUSIVE, VERIFY_REPORT } from "../verify/outcome.js";
import type { GitHubClient, RepoRef } from "./client.js";

export interface JobVerification {
  /** Why the job failed, when verification (not the rollout) failed or could not decide. */
  verification?: "failed" | "inconclusive";
  description?: string;
  /** The verification report (rounds table and charts), for the stage's check run. */
  report?: string;
}

/**
 * What a deploy job's verification said, from the annotations the Action left on the job's check run: its
 * report (a notice), and for a failed job whether verification failed or was inconclusive (an error). Nothing
 * from these means the rollout itself failed, or the stage was not verified.
 */
export async function jobVerification(
  gh: GitHubClient,
  repo: RepoRef,
  checkRunId: number,
): Promise<JobVerification> {
  const { data } = await gh.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", {
    ...repo,
    check_run_id: checkRunId,
    per_page: 50,
  });
  const found: JobVerification = {};
  for (const a of data as { title?: string | null; message?: string }[]) {
    if (a.title === VERIFY_REPORT && a.message) found.report = a.message;
    if (a.title === VERIFY_INCONCLUSIVE || a.title === VERIFY_FAILED) {
      found.verification = a.title === VERIFY_FAILED ? "failed" : "inconclusive";
      if (a.message) found.description = a.message;
    }
  }
  return found;
}
