import { decodeLock, encodeLock, type LockRecord } from "../records/codec.js";
import { type GitHubClient, type RepoRef, statusOf } from "./client.js";
import { cached, remember } from "./file-cache.js";

/**
 * Environment locks live on GitHub as the environment variable SHIPLINE_LOCK (GitHub is the database):
 * creating a variable that exists fails with 409, so two people locking at once get one lock; the deploy
 * job can read `vars.SHIPLINE_LOCK` too.
 */
export const LOCK_VARIABLE = "SHIPLINE_LOCK";

export class EnvironmentLocks {
  constructor(
    private readonly gh: GitHubClient,
    private readonly repo: RepoRef,
  ) {}

  /**
   * The environment's lock, if any. Read from the environment's variable list, not the variable itself: a
   * missing variable is a 404 (the usual case: no lock), which cannot be made conditional, while the list is
   * a 200 with an ETag, so a repeated read (the gates before a dispatch, then the protection review) is a 304,
   * free against the rate limit. An environment has at most 100 variables: one page.
   */
  async read(environment: string): Promise<LockRecord | undefined> {
    const key = `variables:${this.repo.owner}/${this.repo.repo}:${environment}`;
    const known = cached(key);
    const lockOf = (value: string | undefined) => (value ? decodeLock(value) : undefined);
    try {
      const { data, headers } = await this.gh.request(
        "GET /repos/{owner}/{repo}/environments/{environment_name}/variables",
        {
          ...this.repo,
          environment_name: environment,
          per_page: 100,
          ...(known?.etag ? { headers: { "if-none-match": known.etag } } : {}),
        },
      );
      const variables = (Array.isArray(data?.variables) ? data.variables : []) as {
        name?: unknown;
        value?: unknown;
      }[];
      const found = variables.find((v) => String(v.name ?? "").toUpperCase() === LOCK_VARIABLE);
      const value = String(found?.value ?? "");
      const etag = typeof headers.etag === "string" ? headers.etag : undefined;
      if (etag) remember(key, { etag, text: value });
      return lockOf(value);
    } catch (error) {
      if (statusOf(error) === 304 && known?.text !== undefined) return lockOf(known.text);
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Takes the lock; false when the environment is already locked. */
  async create(lock: LockRecord): Promise<boolean> {
    try {
      await this.gh.request("POST /repos/{owner}/{repo}/environments/{environment_name}/variables", {
        ...this.repo,
        environment_name: lock.environment,
        name: LOCK_VARIABLE,
        value: encodeLock(lock),
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 409 || statusOf(error) === 422) return false;
      throw error;
    }
  }

  async remove(environment: string): Promise<boolean> {
    try {
      await this.gh.request("DELETE /repos/{owner}/{repo}/environments/{environment_name}/variables/{name}", {
        ...this.repo,
        environment_name: environment,
        name: LOCK_VARIABLE,
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }
}
