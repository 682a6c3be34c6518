import { statusOf } from "../../github/client.js";

/**
 * A failed request as the clock logs it: GitHub's status and the first line of the message, with anything shaped
 * like a GitHub token blanked (some clients put the request, headers included, in later lines of the message).
 */
export function failureText(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 300) ?? "";
  const safe = text.replace(/\b(gh[opsu]_|github_pat_)[A-Za-z0-9_]+/g, "$1…");
  const status = statusOf(error);
  return status === undefined || safe.startsWith(String(status)) ? safe : `${status} ${safe}`;
}
