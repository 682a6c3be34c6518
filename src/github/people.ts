import { distinctLogins, isBotLogin } from "../gates/text.js";
import type { RunApprovalFact } from "../gates/types.js";
import { type GitHubClient, type GitHubData, type RepoRef, statusOf } from "./client.js";

/** GitHub's own committer for commits made in its web UI (merges, squashes, edits): not a person behind a release. */
const WEB_FLOW = "web-flow";

/** How many pull requests associated with the release commit are read (a release commit merges one, usually). */
const PULLS_PER_COMMIT = 10;

interface Account {
  login?: unknown;
  type?: unknown;
}

/** A person's login, or undefined for a bot, GitHub's web-flow committer, or a git identity GitHub cannot map. */
function person(account: Account | null | undefined): string | undefined {
  const login = typeof account?.login === "string" ? account.login : "";
  if (!login || account?.type === "Bot" || isBotLogin(login) || login.toLowerCase() === WEB_FLOW)
    return undefined;
  return login;
}

async function read(
  gh: GitHubClient,
  route: string,
  params: Record<string, unknown>,
  what: string,
): Promise<GitHubData> {
  try {
    return (await gh.request(route, params)).data;
  } catch (error) {
    const status = statusOf(error);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Shipline could not read ${what} (${status ? `GitHub answered ${status}: ` : ""}${message}); without it four-eyes cannot tell who may not approve, so nothing is approved. Check the App's contents and pull requests read permissions, then try again.`,
      { cause: error },
    );
  }
}

/**
 * The people behind a release, who may not approve its deploys (four-eyes): the release's author when a person
 * published it; when a bot did (CI: `type: "Bot"` or a login ending in `[bot]`), the release commit's author and
 * committer (`GET /repos/{owner}/{repo}/commits/{sha}`) and, for each merged pull request that brought the commit
 * (`GET .../commits/{sha}/pulls`), its author and whoever merged it (`merged_by`, only in `GET .../pulls/{number}`).
 * Bots, GitHub's `web-flow` committer and commit identities GitHub cannot map to an account are left out. Logins
 * once each, in that order. A failed read throws (fail closed): the caller must not approve without the answer.
 */
export async function readReleasePeople(
  gh: GitHubClient,
  repo: RepoRef,
  sha: string,
  releaseAuthor: { login: string; type: string },
): Promise<string[]> {
  const isBot = releaseAuthor.type === "Bot" || isBotLogin(releaseAuthor.login);
  if (!isBot) return releaseAuthor.login ? [releaseAuthor.login] : [];

  const short = sha.slice(0, 7);
  const commit = await read(
    gh,
    "GET /repos/{owner}/{repo}/commits/{ref}",
    { ...repo, ref: sha },
    `commit ${short}`,
  );
  const people: (string | undefined)[] = [person(commit?.author), person(commit?.committer)];

  const pulls = await read(
    gh,
    "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    { ...repo, commit_sha: sha, per_page: PULLS_PER_COMMIT },
    `the pull requests of commit ${short}`,
  );
  const merged = (Array.isArray(pulls) ? pulls : []).filter(
    (p: { merged_at?: unknown; number?: unknown }) => p.merged_at && typeof p.number === "number",
  ) as { number: number; user?: Account | null }[];
  for (const pull of merged) {
    const full = await read(
      gh,
      "GET /repos/{owner}/{repo}/pulls/{pull_number}",
      { ...repo, pull_number: pull.number },
      `pull request #${pull.number}`,
    );
    people.push(person(pull.user), person(full?.merged_by));
  }
  return distinctLogins(people.filter((p): p is string => p !== undefined));
}

/**
 * Who reviewed a waiting deploy job in GitHub's UI (`GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`):
 * one entry per reviewer and environment, with GitHub's state ("approved" or "rejected"). A failed read throws.
 */
export async function readRunApprovals(
  gh: GitHubClient,
  repo: RepoRef,
  runId: number,
): Promise<RunApprovalFact[]> {
  const data = await read(
    gh,
    "GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals",
    { ...repo, run_id: runId },
    `the reviews of workflow run ${runId}`,
  );
  const reviews = (Array.isArray(data) ? data : []) as {
    state?: unknown;
    user?: Account | null;
    environments?: { name?: unknown }[] | null;
  }[];
  return reviews.flatMap((review) => {
    const login = typeof review.user?.login === "string" ? review.user.login : "";
    const state = typeof review.state === "string" ? review.state : "";
    if (!login || !state) return [];
    return (review.environments ?? []).flatMap((env) =>
      typeof env.name === "string" ? [{ login, environment: env.name, state }] : [],
    );
  });
}
