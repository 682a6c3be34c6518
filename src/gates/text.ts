import type { Conclusion } from "./types.js";

/** GitHub logins are case-insensitive. */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** A GitHub App or other bot account: its login ends in `[bot]` (e.g. `github-actions[bot]`, `shipline[bot]`). */
export function isBotLogin(login: string): boolean {
  return /\[bot\]$/i.test(login);
}

/** Logins once each (compared case-insensitively), keeping the first spelling seen. */
export function distinctLogins(logins: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const l of logins) if (l && !seen.has(l.toLowerCase())) seen.set(l.toLowerCase(), l);
  return [...seen.values()];
}

/** `@alice, @bob` */
export function mentionList(logins: readonly string[]): string {
  return logins.map((l) => `@${l}`).join(", ");
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
