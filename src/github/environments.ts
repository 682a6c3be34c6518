import type {
  BranchPolicy,
  EnvironmentChange,
  EnvironmentSettings,
  EnvironmentState,
  Reviewer,
} from "../pipeline/environment-plan.js";
import { type GitHubClient, type RepoRef, statusOf } from "./client.js";

/** An error with the HTTP status the explanation keys on (a reviewer GitHub does not know is a 404). */
class StatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The GitHub calls behind environment sync: read an environment's settings, and write one planned change. */
export class EnvironmentsGateway {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly gh: GitHubClient,
    readonly repo: RepoRef,
    /** The App's id: its custom protection rule is found and enabled by it. */
    private readonly appId?: number,
  ) {}

  private path(environment: string) {
    return { ...this.repo, environment_name: environment };
  }

  /** The environment's settings, or null when it does not exist. */
  async read(environment: string): Promise<EnvironmentState | null> {
    let data: {
      protection_rules?: {
        type: string;
        wait_timer?: number;
        prevent_self_review?: boolean;
        reviewers?: { type?: string; reviewer?: { id?: number; login?: string; slug?: string } }[];
      }[];
      deployment_branch_policy?: { protected_branches?: boolean; custom_branch_policies?: boolean } | null;
    };
    try {
      ({ data } = await this.gh.request(
        "GET /repos/{owner}/{repo}/environments/{environment_name}",
        this.path(environment),
      ));
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
    const rules = data.protection_rules ?? [];
    const review = rules.find((r) => r.type === "required_reviewers");
    const policy = data.deployment_branch_policy;
    const branchPolicy: BranchPolicy = !policy
      ? "all"
      : policy.custom_branch_policies
        ? "custom"
        : policy.protected_branches
          ? "protected"
          : "all";
    return {
      waitTimer: Number(rules.find((r) => r.type === "wait_timer")?.wait_timer ?? 0),
      preventSelfReview: Boolean(review?.prevent_self_review),
      reviewers: (review?.reviewers ?? []).flatMap((r): Reviewer[] => {
        const id = Number(r.reviewer?.id);
        if (r.type === "Team" && r.reviewer?.slug)
          return [{ type: "Team", name: `@${this.repo.owner}/${r.reviewer.slug}`, id }];
        if (r.reviewer?.login) return [{ type: "User", name: r.reviewer.login, id }];
        return [];
      }),
      branchPolicy,
      tagPolicies: branchPolicy === "custom" ? await this.tagPolicies(environment) : [],
      protectionRule: await this.hasProtectionRule(environment),
    };
  }

  private async tagPolicies(environment: string): Promise<string[]> {
    const { data } = await this.gh.request(
      "GET /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
      { ...this.path(environment), per_page: 100 },
    );
    return ((data.branch_policies ?? []) as { name?: string; type?: string }[])
      .filter((p) => p.type === "tag" && typeof p.name === "string")
      .map((p) => String(p.name));
  }

  private async hasProtectionRule(environment: string): Promise<boolean> {
    const { data } = await this.gh.request(
      "GET /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
      this.path(environment),
    );
    return (
      (data.custom_deployment_protection_rules ?? []) as { enabled?: boolean; app?: { id?: number } }[]
    ).some((r) => r.enabled !== false && this.appId !== undefined && r.app?.id === this.appId);
  }

  /** Carries out one planned change; throws with GitHub's status when GitHub refuses it. */
  async apply(change: EnvironmentChange): Promise<void> {
    switch (change.kind) {
      case "create":
      case "update":
      case "reviewers":
        await this.put(change.environment, change.settings);
        return;
      case "tag-policy":
        await this.gh.request(
          "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment-branch-policies",
          { ...this.path(change.environment), name: change.pattern, type: "tag" },
        );
        return;
      case "protection-rule":
        if (this.appId === undefined)
          throw new Error("Shipline does not know its App id (set APP_ID), so it cannot name its own rule.");
        await this.gh.request(
          "POST /repos/{owner}/{repo}/environments/{environment_name}/deployment_protection_rules",
          { ...this.path(change.environment), integration_id: this.appId },
        );
        return;
    }
  }

  /** One PUT with the full settings (reviewers and prevent self-review only when there are reviewers). */
  private async put(environment: string, settings: EnvironmentSettings): Promise<void> {
    const reviewers = await Promise.all(settings.reviewers.map((r) => this.resolve(r)));
    await this.gh.request("PUT /repos/{owner}/{repo}/environments/{environment_name}", {
      ...this.path(environment),
      wait_timer: settings.waitTimer,
      ...(reviewers.length ? { reviewers, prevent_self_review: settings.preventSelfReview } : {}),
      deployment_branch_policy:
        settings.branchPolicy === "all"
          ? null
          : {
              protected_branches: settings.branchPolicy === "protected",
              custom_branch_policies: settings.branchPolicy === "custom",
            },
    });
  }

  /** A reviewer's id: `GET /users/{username}` or `GET /orgs/{org}/teams/{team_slug}`. */
  private async resolve(r: Reviewer): Promise<{ type: "User" | "Team"; id: number }> {
    if (r.id !== undefined && Number.isFinite(r.id)) return { type: r.type, id: r.id };
    const key = r.name.toLowerCase();
    const known = this.ids.get(key);
    if (known !== undefined) return { type: r.type, id: known };
    try {
      let id: number;
      if (r.type === "Team") {
        const [org = "", slug = ""] = r.name.replace(/^@/, "").split("/");
        const { data } = await this.gh.request("GET /orgs/{org}/teams/{team_slug}", { org, team_slug: slug });
        id = Number(data.id);
      } else {
        const { data } = await this.gh.request("GET /users/{username}", { username: r.name });
        id = Number(data.id);
      }
      this.ids.set(key, id);
      return { type: r.type, id };
    } catch (error) {
      if (statusOf(error) === 404)
        throw new StatusError(
          404,
          `GitHub knows no ${r.type === "Team" ? "team" : "user"} ${r.type === "Team" ? r.name : `@${r.name}`}`,
        );
      throw error;
    }
  }
}
