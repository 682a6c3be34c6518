import { decodeLock, encodeLock, type LockRecord } from "../records/codec.js";
import { type GitHubClient, type RepoRef, statusOf } from "./client.js";

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

  async read(environment: string): Promise<LockRecord | undefined> {
    try {
      const { data } = await this.gh.request(
        "GET /repos/{owner}/{repo}/environments/{environment_name}/variables/{name}",
        {
          ...this.repo,
          environment_name: environment,
          name: LOCK_VARIABLE,
        },
      );
      return decodeLock(String(data.value ?? ""));
    } catch (error) {
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
