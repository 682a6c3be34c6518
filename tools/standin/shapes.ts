// Turns stand-in state into the JSON GitHub's REST API returns. Shapes start from the examples in GitHub's
// OpenAPI description (so every required field is present) and override what the state knows.

import { GITHUB_ACTIONS_APP } from "./core.js";
import type { Json, JsonObject } from "./openapi/spec.js";
import { isObject, loadSpec } from "./openapi/spec.js";
import type {
  Account,
  Annotation,
  Asset,
  CheckRun,
  Comment,
  Deployment,
  DeploymentStatus,
  Environment,
  Reaction,
  Release,
  RepoState,
  WorkflowRun,
} from "./state.js";

export interface Urls {
  /** REST root, e.g. http://127.0.0.1:PORT/api/v3 */
  api: string;
  /** Web root, e.g. http://127.0.0.1:PORT */
  html: string;
}

export function example(name: string): JsonObject {
  const node = loadSpec().resolve(`#/components/examples/${name}/value`).node;
  if (!isObject(node)) throw new Error(`GitHub's OpenAPI description has no example ${name}`);
  return structuredClone(node);
}

function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString("base64");
}

export function user(urls: Urls, account: Account): JsonObject {
  // GitHub percent-encodes bot logins in URLs (`/users/shipline%5Bbot%5D`).
  const login = encodeURIComponent(account.login);
  const u = `${urls.api}/users/${login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `${urls.html}/avatars/${login}`,
    gravatar_id: "",
    url: u,
    html_url: `${urls.html}/${login}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: account.type,
    site_admin: false,
  };
}

export function repoUrls(urls: Urls, repo: RepoState): { api: string; html: string; fullName: string } {
  const fullName = `${repo.owner.login}/${repo.name}`;
  return { api: `${urls.api}/repos/${fullName}`, html: `${urls.html}/${fullName}`, fullName };
}

export function asset(urls: Urls, repo: RepoState, release: Release, a: Asset): JsonObject {
  const r = repoUrls(urls, repo);
  return {
    url: `${r.api}/releases/assets/${a.id}`,
    browser_download_url: `${r.html}/releases/download/${encodeURIComponent(release.tag)}/${encodeURIComponent(a.name)}`,
    id: a.id,
    node_id: nodeId("ReleaseAsset", a.id),
    name: a.name,
    label: "",
    state: "uploaded",
    content_type: a.contentType,
    size: a.data.length,
    digest: a.digest,
    download_count: 0,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    uploader: user(urls, a.uploader),
  };
}

export function release(urls: Urls, repo: RepoState, rel: Release): JsonObject {
  const r = repoUrls(urls, repo);
  const base = example("release");
  const tag = encodeURIComponent(rel.tag);
  return {
    ...base,
    url: `${r.api}/releases/${rel.id}`,
    html_url: `${r.html}/releases/tag/${tag}`,
    assets_url: `${r.api}/releases/${rel.id}/assets`,
    upload_url: `${urls.html}/uploads/repos/${r.fullName}/releases/${rel.id}/assets{?name,label}`,
    tarball_url: `${r.api}/tarball/${tag}`,
    zipball_url: `${r.api}/zipball/${tag}`,
    id: rel.id,
    node_id: nodeId("Release", rel.id),
    tag_name: rel.tag,
    target_commitish: rel.sha,
    name: rel.name,
    body: rel.body,
    draft: rel.draft,
    prerelease: rel.prerelease,
    immutable: false,
    created_at: rel.createdAt,
    updated_at: rel.publishedAt ?? rel.createdAt,
    published_at: rel.publishedAt,
    author: user(urls, rel.author),
    assets: rel.assets.map((a) => asset(urls, repo, rel, a)),
  };
}

export function deployment(urls: Urls, repo: RepoState, d: Deployment): JsonObject {
  const r = repoUrls(urls, repo);
  return {
    url: `${r.api}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId("Deployment", d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    // Trust boundary: the payload is whatever JSON the client sent.
    payload: d.payload as Json,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: user(urls, d.creator),
    created_at: d.createdAt,
    updated_at: d.statuses.at(-1)?.createdAt ?? d.createdAt,
    statuses_url: `${r.api}/deployments/${d.id}/statuses`,
    repository_url: r.api,
    transient_environment: d.transient,
    production_environment: d.production,
  };
}

export function deploymentStatus(
  urls: Urls,
  repo: RepoState,
  d: Deployment,
  s: DeploymentStatus,
): JsonObject {
  const r = repoUrls(urls, repo);
  return {
    url: `${r.api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId("DeploymentStatus", s.id),
    state: s.state,
    creator: user(urls, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.logUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${r.api}/deployments/${d.id}`,
    repository_url: r.api,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  };
}

export function integration(
  urls: Urls,
  app: { id: number; slug: string; name: string; owner: Account },
): JsonObject {
  return {
    ...example("integration"),
    id: app.id,
    slug: app.slug,
    client_id: `Iv1.${app.id}`,
    node_id: nodeId("Integration", app.id),
    owner: user(urls, app.owner),
    name: app.name,
    description: "Shipline under test",
    external_url: urls.html,
    html_url: `${urls.html}/apps/${app.slug}`,
    permissions: {
      actions: "write",
      checks: "write",
      contents: "read",
      deployments: "write",
      issues: "write",
      metadata: "read",
      pull_requests: "write",
    },
    events: [
      "check_run",
      "deployment",
      "deployment_protection_rule",
      "deployment_status",
      "issue_comment",
      "release",
    ],
  };
}

export function checkRun(
  urls: Urls,
  repo: RepoState,
  c: CheckRun,
  app: { id: number; slug: string; name: string; owner: Account },
): JsonObject {
  const r = repoUrls(urls, repo);
  return {
    id: c.id,
    head_sha: c.headSha,
    node_id: nodeId("CheckRun", c.id),
    external_id: c.externalId,
    url: `${r.api}/check-runs/${c.id}`,
    html_url: `${r.html}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      title: c.output.title,
      summary: c.output.summary,
      text: c.output.text,
      annotations_count: c.annotations?.length ?? 0,
      annotations_url: `${r.api}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: c.id + 1 },
    app: integration(urls, c.owner === "github-actions" ? GITHUB_ACTIONS_APP : app),
    pull_requests: [],
  };
}

export function reaction(urls: Urls, x: Reaction): JsonObject {
  return {
    id: x.id,
    node_id: nodeId("Reaction", x.id),
    user: user(urls, x.user),
    content: x.content,
    created_at: x.createdAt,
  };
}

export function comment(urls: Urls, repo: RepoState, c: Comment): JsonObject {
  const r = repoUrls(urls, repo);
  const counts: Record<string, number> = {};
  for (const x of c.reactions) counts[x.content] = (counts[x.content] ?? 0) + 1;
  return {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url: `${r.api}/issues/comments/${c.id}`,
    html_url: `${r.html}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: user(urls, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${r.api}/issues/${c.issueNumber}`,
    author_association: c.user.type === "Bot" ? "NONE" : "MEMBER",
    reactions: {
      url: `${r.api}/issues/comments/${c.id}/reactions`,
      total_count: c.reactions.length,
      "+1": counts["+1"] ?? 0,
      "-1": counts["-1"] ?? 0,
      laugh: counts.laugh ?? 0,
      confused: counts.confused ?? 0,
      heart: counts.heart ?? 0,
      hooray: counts.hooray ?? 0,
      eyes: counts.eyes ?? 0,
      rocket: counts.rocket ?? 0,
    },
  };
}

export function environment(urls: Urls, repo: RepoState, e: Environment, reviewers: Account[]): JsonObject {
  const r = repoUrls(urls, repo);
  const rules: Json[] = [];
  if (e.waitTimer > 0)
    rules.push({
      id: e.id + 1,
      node_id: nodeId("Gate", e.id + 1),
      type: "wait_timer",
      wait_timer: e.waitTimer,
    });
  if (reviewers.length > 0) {
    rules.push({
      id: e.id + 2,
      node_id: nodeId("Gate", e.id + 2),
      prevent_self_review: e.preventSelfReview,
      type: "required_reviewers",
      reviewers: reviewers.map((a) => ({ type: "User", reviewer: user(urls, a) })),
    });
  }
  if (e.deploymentBranchPolicy)
    rules.push({ id: e.id + 3, node_id: nodeId("Gate", e.id + 3), type: "branch_policy" });
  return {
    id: e.id,
    node_id: nodeId("Environment", e.id),
    name: e.name,
    url: `${r.api}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${r.html}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: e.createdAt,
    updated_at: e.createdAt,
    protection_rules: rules,
    deployment_branch_policy: e.deploymentBranchPolicy,
  };
}

export function workflowRun(urls: Urls, repo: RepoState, run: WorkflowRun): JsonObject {
  const r = repoUrls(urls, repo);
  const base = example("workflow-run");
  const runUrl = `${r.api}/actions/runs/${run.id}`;
  return {
    ...base,
    id: run.id,
    name: run.workflowName,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: run.id + 1,
    check_suite_node_id: nodeId("CheckSuite", run.id + 1),
    head_branch: run.ref,
    head_sha: run.sha,
    path: `.github/workflows/${run.workflowFile}`,
    run_number: run.runNumber,
    event: "workflow_dispatch",
    display_title: run.displayTitle,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: runUrl,
    html_url: `${r.html}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: user(urls, run.actor),
    triggering_actor: user(urls, run.actor),
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: run.createdAt,
    jobs_url: `${runUrl}/jobs`,
    logs_url: `${runUrl}/logs`,
    check_suite_url: `${r.api}/check-suites/${run.id + 1}`,
    artifacts_url: `${runUrl}/artifacts`,
    cancel_url: `${runUrl}/cancel`,
    rerun_url: `${runUrl}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${r.api}/actions/workflows/${run.workflowId}`,
    head_commit: null,
    repository: minimalRepository(urls, repo),
    head_repository: minimalRepository(urls, repo),
  };
}

export function minimalRepository(urls: Urls, repo: RepoState): JsonObject {
  // The example carries `template_repository`, which the minimal-repository schema does not declare.
  const { template_repository: _undeclared, ...base } = example("minimal-repository");
  const r = repoUrls(urls, repo);
  const rebased = rebase(base, urls, String(base.full_name), r.fullName);
  return {
    ...rebased,
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: r.fullName,
    owner: user(urls, repo.owner),
    private: repo.private,
  };
}

/** Rewrites github.com URLs and the example's repository name inside a template to the stand-in's. */
export function rebase<T>(value: T, urls: Urls, fromFullName: string, toFullName: string): T {
  const text = JSON.stringify(value)
    .replaceAll("https://api.github.com", urls.api)
    .replaceAll("https://uploads.github.com", `${urls.html}/uploads`)
    .replaceAll("https://github.com", urls.html)
    .replaceAll(fromFullName, toFullName);
  return JSON.parse(text) as T;
}

/** A check run's annotation as `GET .../check-runs/{id}/annotations` lists it. */
export function annotation(urls: Urls, repo: RepoState, c: CheckRun, a: Annotation): JsonObject {
  const r = repoUrls(urls, repo);
  return {
    path: a.path,
    blob_href: `${r.html}/blob/${c.headSha}/${a.path}`,
    start_line: a.startLine,
    end_line: a.endLine,
    start_column: null,
    end_column: null,
    annotation_level: a.level,
    title: a.title,
    message: a.message,
    raw_details: null,
  };
}

/** The `check_run` of a deployment_status webhook sent for an Actions job (exactly the keys GitHub sends). */
export function webhookCheckRun(urls: Urls, repo: RepoState, c: CheckRun): JsonObject {
  const r = repoUrls(urls, repo);
  return {
    id: c.id,
    name: c.name,
    node_id: nodeId("CheckRun", c.id),
    head_sha: c.headSha,
    external_id: c.externalId,
    url: `${r.api}/check-runs/${c.id}`,
    html_url: `${r.html}/runs/${c.id}`,
    details_url: c.detailsUrl ?? `${r.html}/runs/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
  };
}
