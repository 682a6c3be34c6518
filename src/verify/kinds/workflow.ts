import type { Measurement } from "../types.js";

/** What the workflow provider saw of the dispatched run. */
export interface WorkflowRunSeen {
  /** The run, once it was found. */
  run?: { id: number; url: string; status: string; conclusion: string | null; title?: string };
  /** The dispatch or a read failed (no permission, no such workflow, an input it does not declare). */
  error?: string;
  /** True when the run had not completed when the wait ended. */
  timedOut: boolean;
  /** The wait bound as written in the config (for messages). */
  timeout: string;
  file: string;
}

const FAILED = new Set(["failure", "timed_out", "startup_failure"]);

/**
 * workflow: the dispatched run's conclusion counts. success passes; failure, timed_out and startup_failure
 * fail; cancelled, skipped, neutral, action_required and stale are inconclusive (a person stopped or held
 * it: a person decides); a run not finished within the bound, or one that could not be dispatched or found,
 * is an error, so it never passes silently.
 */
export function workflowMeasurement(seen: WorkflowRunSeen): Measurement {
  const link = seen.run ? { link: { url: seen.run.url, title: `${seen.file} run ${seen.run.id}` } } : {};
  if (seen.error !== undefined) return { phase: "Error", message: `${seen.file}: ${seen.error}`, ...link };
  const run = seen.run;
  if (!run) return { phase: "Error", message: `${seen.file}: the dispatched run was not found`, ...link };
  if (seen.timedOut || run.status !== "completed")
    return {
      phase: "Error",
      message: `${seen.file} run ${run.id} was still ${run.status} after ${seen.timeout}; it was left running (raise the check's timeout, or look at the run)`,
      ...link,
    };
  const conclusion = run.conclusion ?? "none";
  if (conclusion === "success")
    return { phase: "Successful", value: 0, message: `${seen.file} run ${run.id} succeeded`, ...link };
  if (FAILED.has(conclusion))
    return {
      phase: "Failed",
      value: 1,
      message: `${seen.file} run ${run.id} concluded ${conclusion}`,
      ...link,
    };
  return {
    phase: "Inconclusive",
    message: `${seen.file} run ${run.id} concluded ${conclusion}: neither a pass nor a failure`,
    ...link,
  };
}
