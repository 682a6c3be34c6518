import type { Fetch } from "../../src/artifacts/download.js";
import type { ReleaseInfo } from "../../src/artifacts/release.js";

export interface DeploymentRecord {
  id: number;
  ref: string;
  environment?: string;
  created_at: string;
}

export interface DeploymentStatusRecord {
  state: string;
  created_at?: string;
}

/** A check run as the Action reads it (whose App wrote it, and its summary). */
export interface ShiplineCheckRun {
  id: number;
  name: string;
  app?: { slug?: string } | null;
  output?: { summary?: string | null } | null;
}

/** What the Action reads from GitHub: a narrow interface, so tests can hand in a fake. */
export interface ShiplineGitHub {
  getReleaseByTag(tag: string): Promise<ReleaseInfo>;
  /** The environment's deployments, newest first, 100 a page (`page` from 1, default 1). */
  listDeployments(environment: string, page?: number): Promise<DeploymentRecord[]>;
  /** A deployment's statuses, newest first. */
  listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatusRecord[]>;
  /**
   * One page (from 1, 100 a page) of the commit's check runs, every App's and every attempt (needs
   * `checks: read`), and how many there are in all.
   */
  listCheckRuns(sha: string, page?: number): Promise<{ total: number; runs: ShiplineCheckRun[] }>;
}

export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A small REST client over fetch for github.com or GitHub Enterprise Server (`apiUrl` from GITHUB_API_URL). */
export function restClient(
  apiUrl: string,
  repository: string,
  token: string,
  fetchImpl: Fetch,
): ShiplineGitHub {
  const base = `${apiUrl.replace(/\/+$/, "")}/repos/${repository}`;
  const get = async <T>(path: string, what: string): Promise<T> => {
    const headers: Record<string, string> = {
      accept: "application/vnd.github+json",
      "x-github-api-version": "2022-11-28",
      "user-agent": "shipline",
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetchImpl(`${base}${path}`, { headers });
    if (!response.ok) {
      const hint =
        response.status === 404
          ? " (not found, or the token cannot read it: the workflow needs `permissions: contents: read, deployments: read`)"
          : "";
      throw new GitHubError(`reading ${what} failed: HTTP ${response.status}${hint}`, response.status);
    }
    return (await response.json()) as T;
  };
  return {
    getReleaseByTag: (tag) => get<ReleaseInfo>(`/releases/tags/${encodeURIComponent(tag)}`, `release ${tag}`),
    listDeployments: (environment, page = 1) =>
      get<DeploymentRecord[]>(
        `/deployments?environment=${encodeURIComponent(environment)}&per_page=100&page=${page}`,
        `deployments of ${environment}`,
      ),
    listDeploymentStatuses: (id) =>
      get<DeploymentStatusRecord[]>(
        `/deployments/${id}/statuses?per_page=100`,
        `statuses of deployment ${id}`,
      ),
    listCheckRuns: async (sha, page = 1) => {
      const data = await get<{ total_count?: number; check_runs: ShiplineCheckRun[] }>(
        `/commits/${encodeURIComponent(sha)}/check-runs?filter=all&per_page=100&page=${page}`,
        `the check runs of ${sha.slice(0, 7)}`,
      );
      return { total: data.total_count ?? data.check_runs.length, runs: data.check_runs };
    },
  };
}
