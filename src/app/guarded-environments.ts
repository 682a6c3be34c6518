import type { RepoRef } from "../github/client.js";

/**
 * Where this process has seen Shipline's own deployment protection rule hold a release: GitHub asked the App to
 * review a deploy job of that release commit in that environment. A later stage of the same release to the same
 * environment (canary, then production) is dispatched without listing the deploy workflow's runs first: the
 * overlap gate is left to that job's review, which lists them right before the job's steps run (the last and
 * binding check) instead of twice within seconds. Remembered for `GUARDED_TTL_MS` after the review.
 *
 * A cache, not state: a replica or a restart that has not seen the review reads the runs before the dispatch, as
 * for an environment without the rule. What it trusts: that an environment whose rule held this release minutes
 * ago still has it (docs/decisions.md, "The overlap gate once per dispatch").
 */
export const GUARDED_TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 1_000;
const seen = new Map<string, number>();

const keyOf = (repo: RepoRef, environment: string, sha: string) =>
  `${repo.owner}/${repo.repo}@${sha}:${environment}`;

export function rememberGuarded(repo: RepoRef, environment: string, sha: string, now: Date): void {
  const key = keyOf(repo, environment, sha);
  seen.delete(key);
  seen.set(key, now.getTime());
  while (seen.size > MAX_ENTRIES) seen.delete(seen.keys().next().value as string);
}

/** Whether Shipline's rule reviewed a job of this release commit in `environment` within `GUARDED_TTL_MS`. */
export function isGuarded(repo: RepoRef, environment: string, sha: string, now: Date): boolean {
  const at = seen.get(keyOf(repo, environment, sha));
  return at !== undefined && Math.abs(now.getTime() - at) < GUARDED_TTL_MS;
}

/** Tests: forget every review seen. */
export function forgetGuarded(): void {
  seen.clear();
}
