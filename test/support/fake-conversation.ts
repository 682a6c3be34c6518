// Extends the in-memory GitHub of fake-github.ts with what comment commands need: comments, reactions,
// collaborator permissions, team memberships, the releases list and environment variables (locks).
import nock from "nock";
import { API, dispatchedRunId, type FakeCheck, type FakeGitHub, fakeGitHub } from "./fake-github.js";
import { examplePayload } from "./webhooks.js";

export interface FakeRelease {
  tag: string;
  author: string;
  draft?: boolean;
}

export interface FakeConversation extends FakeGitHub {
  permissions: Map<string, string>;
  /** "org/team" -> member logins. */
  teams: Map<string, string[]>;
  comments: { issue: number; body: string }[];
  reactions: { commentId: number; content: string }[];
  /** Newest first. */
  releases: FakeRelease[];
  /** "<environment>:<NAME>" -> value. */
  variables: Map<string, string>;
  /** The bodies of the comments Shipline posted. */
  replies(): string[];
}

async function read(req: Request): Promise<{ path: string; body: unknown }> {
  const url = new URL(req.url);
  const text = await req.text();
  return { path: decodeURIComponent(url.pathname), body: text ? JSON.parse(text) : undefined };
}

export function fakeConversation(owner = "Codertocat", repo = "Hello-World"): FakeConversation {
  const gh = fakeGitHub(owner, repo) as FakeConversation;
  Object.assign(gh, {
    permissions: new Map(),
    teams: new Map(),
    comments: [],
    reactions: [],
    releases: [],
    replies: () => gh.comments.map((c) => c.body),
  });
  const base = `/repos/${owner}/${repo}`;
  const release = (r: FakeRelease, i: number) => ({
    id: 100 + i,
    tag_name: r.tag,
    draft: Boolean(r.draft),
    prerelease: false,
    author: { login: r.author, type: "User" },
    html_url: `https://github.com/${owner}/${repo}/releases/tag/${r.tag}`,
    assets: [],
  });
  const scope = nock(API).persist();
  const rx = (s: string) => new RegExp(`^${base}${s}$`);

  scope.post(rx("/issues/(\\d+)/comments")).reply(async (req: Request) => {
    const { path, body } = await read(req);
    const issue = Number(path.split("/issues/")[1]!.split("/")[0]);
    gh.comments.push({ issue, body: (body as { body: string }).body });
    return [
      201,
      {
        id: 7000 + gh.comments.length,
        html_url: `https://github.com/${owner}/${repo}/issues/${issue}#issuecomment-${7000 + gh.comments.length}`,
      },
    ];
  });
  scope.post(rx("/issues/comments/(\\d+)/reactions")).reply(async (req: Request) => {
    const { path, body } = await read(req);
    gh.reactions.push({
      commentId: Number(path.split("/comments/")[1]!.split("/")[0]),
      content: (body as { content: string }).content,
    });
    return [201, { id: gh.reactions.length, content: (body as { content: string }).content }];
  });
  scope.get(rx("/collaborators/([^/]+)/permission")).reply(async (req: Request) => {
    const { path } = await read(req);
    const login = path.split("/collaborators/")[1]!.split("/")[0]!;
    const permission = gh.permissions.get(login) ?? "read";
    const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
    return [200, { permission: legacy, role_name: permission, user: { login } }];
  });
  scope.get(/^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/).reply(async (req: Request) => {
    const { path } = await read(req);
    const [, , org, , slug, , login] = path.split("/");
    return gh.teams.get(`${org}/${slug}`)?.includes(login!)
      ? [200, { state: "active", role: "member" }]
      : [404, { message: "Not Found" }];
  });
  scope.get(new RegExp(`^${base}/releases\\?`)).reply(() => [200, gh.releases.map(release)]);
  scope.get(rx("/releases/tags/(.+)")).reply(async (req: Request) => {
    const { path } = await read(req);
    const tag = path.split("/releases/tags/")[1]!;
    const i = gh.releases.findIndex((r) => r.tag === tag);
    return i < 0 ? [404, { message: "Not Found" }] : [200, release(gh.releases[i]!, i)];
  });
  return gh;
}

// Real webhook payloads (from @octokit/webhooks-examples), pointed at the fake's repository and release.
// biome-ignore lint/suspicious/noExplicitAny: test payloads are edited freely before being sent.
type Payload = Record<string, any>;

const BOT = { login: "github-actions[bot]", type: "Bot", id: 41898282 };

export function releasePublishedPayload(
  tag: string,
  author: string,
  owner = "Codertocat",
  repo = "Hello-World",
): Payload {
  const payload = examplePayload("release", "published") as Payload;
  payload.installation = { id: 1, node_id: "x" };
  Object.assign(payload.release, {
    tag_name: tag,
    draft: false,
    author: { ...payload.release.author, login: author },
    html_url: `https://github.com/${owner}/${repo}/releases/tag/${tag}`,
  });
  payload.release.assets = [
    { id: 1, name: "app-1.2.0.tar.gz", size: 10, state: "uploaded", uploader: BOT, digest: null },
    { id: 2, name: "SHA256SUMS", size: 90, state: "uploaded", uploader: BOT, digest: null },
  ];
  return payload;
}

let commentId = 5000;
/** issue_comment.created by `login`, with a fresh comment id. */
export function commentPayload(body: string, login: string, type = "User"): Payload {
  const payload = examplePayload("issue_comment", "created") as Payload;
  payload.installation = { id: 1, node_id: "x" };
  commentId += 1;
  Object.assign(payload.comment, { id: commentId, body, user: { ...payload.comment.user, login, type } });
  payload.sender = { ...payload.sender, login, type };
  return payload;
}

/** deployment_status of a stage's rollout job (the run-name names release, stage and mode). */
export function stageStatusPayload(
  tag: string,
  sha: string,
  stage: string,
  state: string,
  environment: string,
  owner = "Codertocat",
  repo = "Hello-World",
): Payload {
  const payload = examplePayload("deployment_status", "created") as Payload;
  payload.installation = { id: 1, node_id: "x" };
  payload.workflow_run = {
    ...(payload.workflow_run ?? {}),
    display_title: `shipline: ${tag} to ${stage} [rollout]`,
    html_url: `https://github.com/${owner}/${repo}/actions/runs/77`,
  };
  // The run the fake dispatched for this stage, as GitHub's event names it (Shipline ignores other runs).
  payload.workflow_run.id = dispatchedRunId(stage) ?? payload.workflow_run.id;
  Object.assign(payload.deployment, { ref: tag, sha, environment, id: 555 });
  Object.assign(payload.deployment_status, {
    state,
    environment,
    log_url: `https://github.com/${owner}/${repo}/actions/runs/77/job/1`,
  });
  return payload;
}

/** check_run.requested_action: `login` pressed `identifier` on the check run `check` (moved to our repository). */
export function buttonPayload(check: FakeCheck, identifier: string, login: string): Payload {
  const payload = examplePayload("check_run", "requested_action") as Payload;
  payload.repository = (examplePayload("issue_comment", "created") as Payload).repository;
  payload.installation = { id: 1, node_id: "x" };
  Object.assign(payload.check_run, {
    id: check.id,
    name: check.name,
    head_sha: check.head_sha,
    output: { ...payload.check_run.output, ...check.output },
  });
  payload.requested_action = { identifier };
  payload.sender = { ...payload.sender, login, type: "User" };
  return payload;
}

/**
 * A repository with a published release: its config at the tag (and on the default branch, which commands
 * without a tag read), the tag's commit, the release and who may do what.
 */
export function seedRelease(
  gh: FakeConversation,
  options: {
    owner: string;
    repo: string;
    tag: string;
    sha: string;
    config: string;
    author?: string;
    permissions?: Record<string, string>;
  },
): void {
  const { owner, repo, tag, sha, config } = options;
  gh.files.set(`${owner}/${repo}@${tag}:.github/shipline.yml`, config);
  gh.files.set(`${owner}/${repo}:.github/shipline.yml`, config);
  gh.tags.set(tag, sha);
  gh.releases.push({ tag, author: options.author ?? "alice" });
  for (const [login, permission] of Object.entries(options.permissions ?? {}))
    gh.permissions.set(login, permission);
}
