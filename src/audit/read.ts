import type { GitHubClient, RepoRef } from "../github/client.js";
import type { AuditCheckRun, AuditDeployment, AuditRelease, AuditSource } from "./types.js";

const MAX_PAGES = 10;

// biome-ignore lint/suspicious/noExplicitAny: GitHub's JSON, narrowed right here (the trust boundary).
type Json = any;

async function pages(gh: GitHubClient, route: string, params: Record<string, unknown>, key?: string) {
  const out: Json[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await gh.request(route, { ...params, per_page: 100, page });
    const items: Json[] = key ? (data?.[key] ?? []) : (data ?? []);
    out.push(...items);
    if (items.length < 100) break;
  }
  return out;
}

const s = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** Reads everything the audit trail is built from: the release, check runs on its commit, its deployments. */
export async function readAuditSource(gh: GitHubClient, repo: RepoRef, tag: string): Promise<AuditSource> {
  const { data: r } = await gh.request("GET /repos/{owner}/{repo}/releases/tags/{tag}", { ...repo, tag });
  const { data: commit } = await gh.request("GET /repos/{owner}/{repo}/commits/{ref}", {
    ...repo,
    ref: tag,
  });
  const release: AuditRelease = {
    tag,
    sha: String(commit.sha),
    author: s(r.author?.login) ?? "",
    createdAt: s(r.created_at),
    publishedAt: s(r.published_at),
    htmlUrl: s(r.html_url) ?? "",
    prerelease: r.prerelease === true,
  };
  const runs = await pages(
    gh,
    "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
    { ...repo, ref: release.sha, filter: "all" },
    "check_runs",
  );
  const checkRuns: AuditCheckRun[] = runs.map((c) => ({
    id: Number(c.id),
    name: String(c.name),
    status: String(c.status),
    conclusion: s(c.conclusion),
    startedAt: s(c.started_at),
    completedAt: s(c.completed_at),
    title: s(c.output?.title),
    summary: s(c.output?.summary),
    detailsUrl: s(c.details_url),
    appId: typeof c.app?.id === "number" ? c.app.id : null,
  }));
  const list = await pages(gh, "GET /repos/{owner}/{repo}/deployments", { ...repo, ref: tag });
  const deployments: AuditDeployment[] = [];
  for (const d of list) {
    const statuses = await pages(gh, "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      ...repo,
      deployment_id: d.id,
    });
    deployments.push({
      id: Number(d.id),
      environment: String(d.environment),
      ref: String(d.ref),
      createdAt: String(d.created_at),
      creator: s(d.creator?.login),
      statuses: statuses.map((st) => ({
        id: Number(st.id),
        state: String(st.state),
        createdAt: String(st.created_at),
        description: s(st.description) ?? "",
        creator: s(st.creator?.login),
        logUrl: s(st.log_url) ?? s(st.target_url),
      })),
    });
  }
  return { release, checkRuns, deployments };
}
