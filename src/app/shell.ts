import type { Log } from "../github/apply.js";
import type { GitHubClient } from "../github/client.js";

/**
 * What the App's work on a repository needs from its caller: a client authenticated as the installation and a
 * log. A webhook's Probot `Context` is one (handlers pass theirs); the in-process clock builds one per
 * installation from the App's own credentials, with no event at all.
 */
export interface Shell {
  octokit: object;
  log: Log;
}

/** The shell's client narrowed to what the gateways use (`request`). */
export function clientOf(shell: Shell): GitHubClient {
  return shell.octokit as unknown as GitHubClient;
}
