/**
 * The one thing Shipline needs from an Octokit: `request`. Probot's `context.octokit`, @octokit/rest and
 * @actions/github's client all satisfy it, and tests can hand in a fake.
 */
export interface GitHubClient {
  request(
    route: string,
    params?: Record<string, unknown>,
  ): Promise<{ status: number; data: GitHubData; headers: Record<string, unknown> }>;
}

/** Response bodies are narrowed in the gateways, the trust boundary. */
// biome-ignore lint/suspicious/noExplicitAny: the one untyped value, narrowed where it is read.
export type GitHubData = any;

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
