/**
 * Titles of the error annotation the Action fails a deploy job with when verification, not the rollout,
 * failed. The App reads them from the job's check run: a failed verification is rolled back; an
 * inconclusive one pauses the pipeline and asks a human (/promote or /rollback).
 */
export const VERIFY_FAILED = "shipline: verification failed";
export const VERIFY_INCONCLUSIVE = "shipline: verification inconclusive";
