import type { ReportedPrevious } from "../pipeline/previous-release.js";
import { decodeRecord, recordLines } from "../records/codec.js";
import { VERIFY_FAILED, VERIFY_INCONCLUSIVE, VERIFY_REPORT } from "../verify/outcome.js";
import type { GitHubClient, RepoRef } from "./client.js";

export interface JobVerification {
  /** Why the job failed, when verification (not the rollout) failed or could not decide. */
  verification?: "failed" | "inconclusive";
  /** The verdict's text (the Action's error message, records left out). */
  description?: string;
  /** The verification report (rounds table and charts), for the stage's check run. */
  report?: string;
  /**
   * The environment's previous good release as the job found it, from the `verdict` record on the last line of
   * the verdict; absent when the verdict carries none (an older Action, a job that failed before it looked).
   */
  previous?: ReportedPrevious;
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
 * so the verdict is the job's last error annotation: with a verification title, verification failed or could not
 * decide; untitled, the rollout failed (an earlier "verification failed" is somebody's text). Its last line, when
 * it is a `verdict` record, names the environment's previous good release as the job found it; a later step's
 * error, or an older Action's, has none. The report is the last notice with the report title, for the same reason.
 * Annotations are listed in the order the runner created them.
 */
export function verificationFromAnnotations(annotations: readonly JobAnnotation[]): JobVerification {
  const found: JobVerification = {};
  const errors = annotations.filter((a) => a.annotation_level === "failure");
  const verdict = errors.at(-1);
  const verified = verdict?.title === VERIFY_FAILED || verdict?.title === VERIFY_INCONCLUSIVE;
  // An untitled verdict is a failed rollout: the Action's own when its last line is its record.
  if (verdict && (verified || !verdict.title)) {
    const { text, previous, recorded } = verdictParts(verdict.message ?? "");
    if (verified) found.verification = verdict.title === VERIFY_FAILED ? "failed" : "inconclusive";
    if (text && (verified || recorded)) found.description = text;
    if (previous) found.previous = previous;
  }
  const report = annotations
    .filter((a) => a.annotation_level === "notice" && a.title === VERIFY_REPORT)
    .at(-1);
  if (report?.message) found.report = report.message;
  return found;
}

/**
 * A verdict's text and, from its LAST line only, the `verdict` record: the Action always ends the verdict with
 * it, so a record some deploy command printed into the error text above it is never taken.
 */
function verdictParts(message: string): { text: string; recorded: boolean; previous?: ReportedPrevious } {
  const lines = message.trimEnd().split("\n");
  const last = lines.at(-1) ?? "";
  const record = recordLines(last).length ? decodeRecord("verdict", last) : undefined;
  // Records are for the App, not for the user reading the stage's check run.
  const records = new Set(recordLines(message));
  const text = lines
    .filter((line) => !records.has(line))
    .join("\n")
    .trim();
  if (record?.previous === undefined) return { text, recorded: record !== undefined };
  return { text, recorded: true, previous: { environment: record.environment, release: record.previous } };
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
