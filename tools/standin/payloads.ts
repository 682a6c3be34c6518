// Webhook payloads shaped like GitHub's, built from stand-in state. Repository/organization objects start from a
// real payload in @octokit/webhooks-examples, rewritten to the stand-in's repository and URLs.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { JsonObject } from "./openapi/spec.js";
import type { Urls } from "./shapes.js";
import { comment, deployment, deploymentStatus, rebase, repoUrls, user, webhookCheckRun } from "./shapes.js";
import type {
  Account,
  CheckRun,
  Comment,
  Deployment,
  DeploymentStatus,
  Release,
  RepoState,
  WorkflowRun,
} from "./state.js";

interface Definition {
  name: string;
  examples: JsonObject[];
}

let template: JsonObject | undefined;

/** A real deployment_status payload from a GitHub Actions job (has installation, organization, workflow_run). */
function actionsTemplate(): JsonObject {
  if (!template) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/webhooks-examples/api.github.com/index.json");
    // Trust boundary: the package's documented shape.
    const all = JSON.parse(readFileSync(file, "utf8")) as Definition[];
    const found = all
      .find((d) => d.name === "deployment_status")
      ?.examples.find((p) => "workflow_run" in p && "installation" in p && "organization" in p);
    if (!found) throw new Error("@octokit/webhooks-examples has no deployment_status example from Actions");
    template = found;
  }
  return structuredClone(template);
}

export interface PayloadContext {
  urls: Urls;
  repo: RepoState;
  installationId: number;
}

function common(ctx: PayloadContext, sender: Account): JsonObject {
  const t = actionsTemplate();
  const fullName = repoUrls(ctx.urls, ctx.repo).fullName;
  const templateRepo = t.repository as JsonObject;
  const from = String(templateRepo.full_name);
  const repository = rebase(templateRepo, ctx.urls, from, fullName);
  const owner = user(ctx.urls, ctx.repo.owner);
  const organization = rebase(
    t.organization as JsonObject,
    ctx.urls,
    from.split("/")[0] ?? "",
    ctx.repo.owner.login,
  );
  return {
    repository: {
      ...repository,
      id: ctx.repo.id,
      name: ctx.repo.name,
      full_name: fullName,
      private: ctx.repo.private,
      owner: { ...owner, type: ctx.repo.owner.type },
      default_branch: ctx.repo.defaultBranch,
    },
    organization: { ...organization, login: ctx.repo.owner.login, id: ctx.repo.owner.id },
    installation: {
      id: ctx.installationId,
      node_id: Buffer.from(`Installation${ctx.installationId}`).toString("base64"),
    },
    sender: user(ctx.urls, sender),
  };
}

export function releasePayload(
  ctx: PayloadContext,
  action: string,
  rel: Release,
  sender: Account,
): JsonObject {
  const r = repoUrls(ctx.urls, ctx.repo);
  const tag = encodeURIComponent(rel.tag);
  return {
    action,
    release: {
      url: `${r.api}/releases/${rel.id}`,
      assets_url: `${r.api}/releases/${rel.id}/assets`,
      upload_url: `${ctx.urls.html}/uploads/repos/${r.fullName}/releases/${rel.id}/assets{?name,label}`,
      html_url: `${r.html}/releases/tag/${tag}`,
      id: rel.id,
      node_id: Buffer.from(`Release${rel.id}`).toString("base64"),
      tag_name: rel.tag,
      target_commitish: rel.sha,
      name: rel.name ?? rel.tag,
      draft: rel.draft,
      author: user(ctx.urls, rel.author),
      prerelease: rel.prerelease,
      created_at: rel.createdAt,
      published_at: rel.publishedAt,
      assets: rel.assets.map((a) => ({
        url: `${r.api}/releases/assets/${a.id}`,
        browser_download_url: `${r.html}/releases/download/${tag}/${encodeURIComponent(a.name)}`,
        id: a.id,
        node_id: Buffer.from(`ReleaseAsset${a.id}`).toString("base64"),
        name: a.name,
        label: "",
        state: "uploaded",
        content_type: a.contentType,
        size: a.data.length,
        download_count: 0,
        created_at: a.createdAt,
        updated_at: a.createdAt,
        uploader: user(ctx.urls, a.uploader),
      })),
      tarball_url: `${r.api}/tarball/${tag}`,
      zipball_url: `${r.api}/zipball/${tag}`,
      body: rel.body ?? "",
    },
    ...common(ctx, sender),
  };
}

function workflowFields(
  ctx: PayloadContext,
  run: WorkflowRun,
): { workflow: JsonObject; workflow_run: JsonObject } {
  const r = repoUrls(ctx.urls, ctx.repo);
  const actor = user(ctx.urls, run.actor);
  return {
    workflow: {
      id: run.workflowId,
      node_id: Buffer.from(`Workflow${run.workflowId}`).toString("base64"),
      name: run.workflowName,
      path: `.github/workflows/${run.workflowFile}`,
      state: "active",
      created_at: run.createdAt,
      updated_at: run.createdAt,
      url: `${r.api}/actions/workflows/${run.workflowId}`,
      html_url: `${r.html}/blob/${ctx.repo.defaultBranch}/.github/workflows/${run.workflowFile}`,
      badge_url: `${r.html}/workflows/${encodeURIComponent(run.workflowName)}/badge.svg`,
    },
    workflow_run: {
      id: run.id,
      name: run.workflowName,
      path: `.github/workflows/${run.workflowFile}`,
      display_title: run.displayTitle,
      node_id: Buffer.from(`WorkflowRun${run.id}`).toString("base64"),
      head_branch: run.ref,
      head_sha: run.sha,
      run_number: run.runNumber,
      event: "workflow_dispatch",
      // The webhook schema knows no "waiting" run status: a run held by a protection rule shows as queued.
      status: run.status === "waiting" ? "queued" : run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflowId,
      check_suite_id: run.id + 1,
      check_suite_node_id: Buffer.from(`CheckSuite${run.id + 1}`).toString("base64"),
      url: `${r.api}/actions/runs/${run.id}`,
      html_url: `${r.html}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      actor,
      triggering_actor: actor,
      run_attempt: 1,
      run_started_at: run.createdAt,
    },
  };
}

function webhookDeployment(ctx: PayloadContext, d: Deployment): JsonObject {
  return { ...deployment(ctx.urls, ctx.repo, d), performed_via_github_app: null };
}

export function deploymentPayload(
  ctx: PayloadContext,
  d: Deployment,
  run: WorkflowRun | undefined,
): JsonObject {
  const wf = run ? workflowFields(ctx, run) : { workflow: null, workflow_run: null };
  return { action: "created", deployment: webhookDeployment(ctx, d), ...wf, ...common(ctx, d.creator) };
}

export function deploymentStatusPayload(
  ctx: PayloadContext,
  d: Deployment,
  s: DeploymentStatus,
  run: WorkflowRun | undefined,
  job?: CheckRun,
): JsonObject {
  const status: JsonObject = {
    ...deploymentStatus(ctx.urls, ctx.repo, d, s),
    performed_via_github_app: null,
  };
  // Real deliveries leave out the URLs nobody set (see @octokit/webhooks-examples).
  if (!s.logUrl) delete status.log_url;
  if (!s.environmentUrl && !run) delete status.environment_url;
  return {
    action: "created",
    deployment_status: status,
    deployment: webhookDeployment(ctx, d),
    // Statuses posted by an Actions job name the job's check run (the App reads its annotations).
    ...(job ? { check_run: webhookCheckRun(ctx.urls, ctx.repo, job) } : {}),
    ...(run ? workflowFields(ctx, run) : {}),
    ...common(ctx, s.creator),
  };
}

/** Shaped like the `x-webhooks` schema of GitHub's OpenAPI description (includes `sha` and `ref`). */
export function deploymentProtectionRulePayload(
  ctx: PayloadContext,
  d: Deployment,
  run: WorkflowRun,
  environment: string,
): JsonObject {
  const r = repoUrls(ctx.urls, ctx.repo);
  return {
    action: "requested",
    environment,
    event: "workflow_dispatch",
    sha: run.sha,
    ref: run.ref,
    deployment_callback_url: `${r.api}/actions/runs/${run.id}/deployment_protection_rule`,
    deployment: deployment(ctx.urls, ctx.repo, d),
    pull_requests: [],
    ...common(ctx, run.actor),
  };
}

export function issueCommentPayload(
  ctx: PayloadContext,
  c: Comment,
  issue: { number: number; title: string },
): JsonObject {
  const r = repoUrls(ctx.urls, ctx.repo);
  const base = comment(ctx.urls, ctx.repo, c);
  const author = user(ctx.urls, c.user);
  return {
    action: "created",
    issue: {
      url: `${r.api}/issues/${issue.number}`,
      repository_url: r.api,
      labels_url: `${r.api}/issues/${issue.number}/labels{/name}`,
      comments_url: `${r.api}/issues/${issue.number}/comments`,
      events_url: `${r.api}/issues/${issue.number}/events`,
      html_url: `${r.html}/issues/${issue.number}`,
      id: issue.number + 100000,
      node_id: Buffer.from(`Issue${issue.number}`).toString("base64"),
      number: issue.number,
      title: issue.title,
      user: author,
      labels: [],
      state: "open",
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: 1,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      closed_at: null,
      author_association: "MEMBER",
      active_lock_reason: null,
      body: null,
      reactions: { ...(base.reactions as JsonObject), url: `${r.api}/issues/${issue.number}/reactions` },
      timeline_url: `${r.api}/issues/${issue.number}/timeline`,
      performed_via_github_app: null,
      state_reason: null,
    },
    comment: { ...base, performed_via_github_app: null },
    ...common(ctx, c.user),
  };
}

export function checkRunPayload(
  ctx: PayloadContext,
  action: string,
  checkRunJson: JsonObject,
  run: CheckRun,
  sender: Account,
  requestedAction?: string,
): JsonObject {
  const r = repoUrls(ctx.urls, ctx.repo);
  const app = checkRunJson.app as JsonObject;
  return {
    action,
    check_run: {
      ...checkRunJson,
      check_suite: {
        id: run.id + 1,
        node_id: Buffer.from(`CheckSuite${run.id + 1}`).toString("base64"),
        head_branch: null,
        head_sha: run.headSha,
        status: "completed",
        conclusion: null,
        url: `${r.api}/check-suites/${run.id + 1}`,
        before: null,
        after: null,
        pull_requests: [],
        app,
        created_at: run.startedAt,
        updated_at: run.startedAt,
      },
    },
    ...(requestedAction ? { requested_action: { identifier: requestedAction } } : {}),
    ...common(ctx, sender),
  };
}
