import type { Probot } from "probot";

let cached: Promise<string> | undefined;

/**
 * The App's own login (`<slug>[bot]`): the owner of the locks it takes after an automatic rollback, and the
 * actor GitHub names on runs it dispatches. Read once per process with the App's JWT (a cache, not state).
 */
export function appLogin(app: Probot, env: Record<string, string | undefined>): Promise<string> {
  if (env.APP_SLUG) return Promise.resolve(`${env.APP_SLUG}[bot]`);
  cached ??= app
    .auth()
    .then((octokit) => octokit.request("GET /app"))
    .then(({ data }) => `${(data as { slug?: string } | null)?.slug ?? "shipline"}[bot]`)
    .catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
  return cached;
}
