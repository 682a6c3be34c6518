/**
 * Titles of the error annotation the Action fails a deploy job with when verification, not the rollout,
 * failed. The App reads them from the job's check run: a failed verification is rolled back; an
 * inconclusive one pauses the pipeline and asks a human (/promote or /rollback).
 */
export const VERIFY_FAILED = "shipline: verification failed";
export const VERIFY_INCONCLUSIVE = "shipline: verification inconclusive";

/**
 * Title of the notice annotation carrying the verification report (rounds table and charts), which the App
 * copies into the stage's check run.
 */
export const VERIFY_REPORT = "shipline: verification report";
/** GitHub keeps annotation messages up to 64 KB; the report is cut below that. */
export const MAX_REPORT_CHARS = 60_000;
