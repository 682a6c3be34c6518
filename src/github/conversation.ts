import type { Permission } from "../commands/authorize.js";
import type { CheckRunState, Release } from "../pipeline/types.js";
import { type GitHubClient, type RepoRef, statusOf } from "./client.js";
import { GitHubGateway, toRelease } from "./gateway.js";

const PERMISSIONS: ReadonlySet<string> = new Set(["admin", "maintain", "write", "triage", "read", "none"]);

/** A Shipline check run with its title (a PATCH of its summary must send the title back). */
export type TitledCheck = CheckRunState;

/**
 * The GitHub calls behind comment commands and check-run buttons: replies, reactions, who the commenter is,
 * and which release a command means. Like GitHubGateway, it knows the REST routes and returns plain data.
 */
export class ConversationGateway {
  constructor(
    private readonly gh: GitHubClient,
    readonly repo: RepoRef,
    private readonly appId?: number,
  ) {}

  async comment(issueNumber: number, body: string): Promise<string | undefined> {
    const { data } = await this.gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...this.repo,
      issue_number: issueNumber,
      body,
    });
    return typeof data?.html_url === "string" ? data.html_url : undefined;
  }

  async react(commentId: number, content: string): Promise<void> {
    await this.gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      ...this.repo,
      comment_id: commentId,
      content,
    });
  }

  /** The user's permission on the repository as GitHub reports it (role_name distinguishes maintain/triage). */
  async permission(username: string): Promise<Permission> {
    try {
      const { data } = await this.gh.request(
        "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
        {
          ...this.repo,
          username,
        },
      );
      const role = String(data?.role_name ?? "");
      if (PERMISSIONS.has(role)) return role as Permission;
      const permission = String(data?.permission ?? "none");
      return PERMISSIONS.has(permission) ? (permission as Permission) : "none";
    } catch (error) {
      if (statusOf(error) === 404) return "none";
      throw error;
    }
  }

  /** Of the `@org/team` principals named in the config, those the user is an active member of ("org/team"). */
  async teamsOf(username: string, principals: readonly string[]): Promise<string[]> {
    const teams = [...new Set(principals.map((p) => p.replace(/^@/, "")).filter((p) => p.includes("/")))];
    const member: string[] = [];
    for (const team of teams) {
      const [org, slug] = team.split("/");
      if (!org || !slug) continue;
      try {
        const { data } = await this.gh.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
          org,
          team_slug: slug,
          username,
        });
        if (data?.state === "active") member.push(team);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    }
    return member;
  }

  /** Whether a pull request comes from a fork. */
  async isForkPullRequest(pullNumber: number): Promise<boolean> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...this.repo,
      pull_number: pullNumber,
    });
    return Boolean(data?.head?.repo?.fork) || data?.head?.repo?.full_name !== data?.base?.repo?.full_name;
  }

  /** The newest published (non-draft) release, with the commit its tag points at. */
  async latestRelease(): Promise<Release | undefined> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/releases", {
      ...this.repo,
      per_page: 10,
    });
    // biome-ignore lint/suspicious/noExplicitAny: narrowed by toRelease, the trust boundary.
    const published = (data as any[]).find((r) => !r.draft);
    if (!published) return undefined;
    const sha = await new GitHubGateway(this.gh, this.repo, this.appId).tagCommit(String(published.tag_name));
    return toRelease(published, sha);
  }

  /** Shipline's own check runs on a commit, with their titles. */
  checks(sha: string): Promise<TitledCheck[]> {
    return new GitHubGateway(this.gh, this.repo, this.appId).shiplineChecks(sha);
  }
}
