import type { ReviewState } from "../config/vocabulary.js";
import { type GitHubClient, type RepoRef, statusOf } from "./client.js";
import { cached, remember } from "./file-cache.js";

/** The GitHub calls behind Shipline's custom deployment protection rule. */
export class ProtectionGateway {
  constructor(
    private readonly gh: GitHubClient,
    readonly repo: RepoRef,
  ) {}

  async workflowRun(
    runId: number,
  ): Promise<{ displayTitle: string; triggeringActor: string; htmlUrl: string }> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
      ...this.repo,
      run_id: runId,
    });
    return {
      displayTitle: String(data.display_title ?? ""),
      triggeringActor: String(data.triggering_actor?.login ?? data.actor?.login ?? ""),
      htmlUrl: String(data.html_url ?? ""),
    };
  }

  /** Approves or rejects a waiting deploy job; `comment` is at most 1024 characters. */
  async review(runId: number, environment: string, state: ReviewState, comment: string): Promise<void> {
    await this.gh.request("POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule", {
      ...this.repo,
      run_id: runId,
      environment_name: environment,
      state,
      comment: comment.slice(0, 1024),
    });
  }

  /** Required reviewers on the environment, or undefined when GitHub does not offer them (or it does not exist). */
  async environmentProtection(
    environment: string,
  ): Promise<{ requiredReviewers: number; preventSelfReview: boolean } | undefined> {
    try {
      const { data } = await this.gh.request("GET /repos/{owner}/{repo}/environments/{environment_name}", {
        ...this.repo,
        environment_name: environment,
      });
      const rule = (
        (data.protection_rules ?? []) as {
          type: string;
          reviewers?: unknown[];
          prevent_self_review?: boolean;
        }[]
      ).find((r) => r.type === "required_reviewers");
      return rule
        ? {
            requiredReviewers: rule.reviewers?.length ? 1 : 0,
            preventSelfReview: Boolean(rule.prevent_self_review),
          }
        : { requiredReviewers: 0, preventSelfReview: false };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Every check run on a commit (all Apps), for required checks; Shipline's own carry `app.id`. */
  async commitChecks(
    sha: string,
  ): Promise<{ id: number; name: string; status: string; conclusion: string | null; appId?: number }[]> {
    const { data } = await this.gh.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      ...this.repo,
      ref: sha,
      per_page: 100,
      filter: "latest",
    });
    return (
      data.check_runs as {
        id: number;
        name: string;
        status: string;
        conclusion: string | null;
        app?: { id?: number };
      }[]
    ).map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      conclusion: c.conclusion,
      ...(c.app?.id ? { appId: c.app.id } : {}),
    }));
  }
}

/** Runs of the deploy workflow that are running right now (not queued, not waiting for a review). */
export async function activeRuns(
  gh: GitHubClient,
  repo: RepoRef,
  workflow: string,
): Promise<{ id: number; displayTitle: string; htmlUrl: string }[]> {
  // Conditional (ETag): the list read before a dispatch is read again by that job's protection review seconds
  // later, and the new run is not in it (it waits, it is not in progress): GitHub answers 304, free.
  const key = `runs:${repo.owner}/${repo.repo}:${workflow}:in_progress`;
  const known = cached(key);
  try {
    const { data, headers } = await gh.request(
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
      {
        ...repo,
        workflow_id: workflow,
        status: "in_progress",
        per_page: 20,
        ...(known?.etag ? { headers: { "if-none-match": known.etag } } : {}),
      },
    );
    const runs = (data.workflow_runs as { id: number; display_title?: string; html_url?: string }[]).map(
      (r) => ({
        id: r.id,
        displayTitle: String(r.display_title ?? ""),
        htmlUrl: String(r.html_url ?? ""),
      }),
    );
    const etag = typeof headers.etag === "string" ? headers.etag : undefined;
    if (etag) remember(key, { etag, text: JSON.stringify(runs) });
    return runs;
  } catch (error) {
    if (statusOf(error) === 304 && known?.text !== undefined) return JSON.parse(known.text);
    throw error;
  }
}

/** The run id in a `deployment_callback_url` (…/actions/runs/<id>/deployment_protection_rule). */
export function runIdFromCallback(url: string): number | undefined {
  const m = /\/actions\/runs\/(\d+)\/deployment_protection_rule$/.exec(url);
  return m ? Number(m[1]) : undefined;
}
