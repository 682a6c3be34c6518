/**
 * The one thing Shipline needs from an Octokit: `request`. Probot's `context.octokit`, @octokit/rest and
 * @actions/github's client all satisfy it, and tests can hand in a fake.
 */
export interface GitHubClient {
  // biome-ignore lint/suspicious/noExplicitAny: responses are narrowed in the gateway, the trust boundary.
  request(
    route: string,
    params?: Record<string, unknown>,
  ): Promise<{ status: number; data: any; headers: Record<string, unknown> }>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Octokit's RequestError carries `status`; anything else is unexpected. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "status" in error && typeof error.status === "number"
    ? error.status
    : undefined;
}
