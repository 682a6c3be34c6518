import { VERIFY_FAILED, VERIFY_INCONCLUSIVE, VERIFY_REPORT } from "../verify/outcome.js";
import type { GitHubClient, RepoRef } from "./client.js";

export interface JobVerification {
  /** Why the job failed, when verification (not the rollout) failed or could not decide. */
  verification?: "failed" | "inconclusive";
  description?: string;
  /** The verification report (rounds table and charts), for the stage's check run. */
  report?: string;
}

/** An annotation as `GET .../check-runs/{id}/annotations` lists it (the fields read here). */
export interface JobAnnotation {
  annotation_level?: string | null;
  title?: string | null;
  message?: string | null;
}

const PER_PAGE = 100;
const MAX_PAGES = 30;

/**
 * What the job's annotations say, trusting only what cannot be forged by text a step prints. Any line of a step's
 * output can raise an annotation with any title, so a title alone proves nothing. The Action writes its verdict
 * LAST (runner.ts `finish`, after everything it logs, and it neutralises workflow commands in what it prints),
 * so the verdict is the job's last error annotation, and it counts only when it carries a verification title:
 * an earlier "verification failed" is somebody's text, and a later untitled error (the step's own failure, or a
 * later step's) means the rollout failed. The report is the last notice with the report title, for the same
 * reason. Annotations are listed in the order the runner created them.
 */
export function verificationFromAnnotations(annotations: readonly JobAnnotation[]): JobVerification {
  const found: JobVerification = {};
  const errors = annotations.filter((a) => a.annotation_level === "failure");
  const verdict = errors.at(-1);
  if (verdict && (verdict.title === VERIFY_FAILED || verdict.title === VERIFY_INCONCLUSIVE)) {
    found.verification = verdict.title === VERIFY_FAILED ? "failed" : "inconclusive";
    if (verdict.message) found.description = verdict.message;
  }
  const report = annotations
    .filter((a) => a.annotation_level === "notice" && a.title === VERIFY_REPORT)
    .at(-1);
  if (report?.message) found.report = report.message;
  return found;
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
  const all: JobAnnotation[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await gh.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", {
      ...repo,
      check_run_id: checkRunId,
      per_page: PER_PAGE,
      page,
    });
    const list = Array.isArray(data) ? (data as JobAnnotation[]) : [];
    all.push(...list);
    if (list.length < PER_PAGE) break;
  }
  return verificationFromAnnotations(all);
}
