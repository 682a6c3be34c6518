import type { Conclusion } from "./types.js";

/** GitHub logins are case-insensitive. */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

const FAILED: ReadonlySet<Conclusion> = new Set([
  "failure",
  "timed_out",
  "startup_failure",
  "action_required",
]);
const RUNNING: ReadonlySet<Conclusion> = new Set(["in_progress", "queued", "pending"]);

export function isFailed(c: Conclusion): boolean {
  return FAILED.has(c);
}

export function isRunning(c: Conclusion): boolean {
  return RUNNING.has(c);
}

/** "failed", "is still running", "was cancelled", ... */
export function describeConclusion(c: Conclusion): string {
  switch (c) {
    case "success":
      return "succeeded";
    case "failure":
    case "startup_failure":
      return "failed";
    case "timed_out":
      return "timed out";
    case "action_required":
      return "needs action";
    case "cancelled":
      return "was cancelled";
    case "skipped":
      return "was skipped";
    case "neutral":
      return "finished without a verdict (neutral)";
    case "stale":
      return "went stale";
    case "in_progress":
    case "queued":
    case "pending":
      return "is still running";
  }
}

export function percent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}
