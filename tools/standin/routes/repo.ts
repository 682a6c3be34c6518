// Repository contents, git refs, collaborator permissions and environments.
import { createHash } from "node:crypto";
import type { Handler } from "../core.js";
import { conditional, error, notFound, ok, paginate, str, validationFailed } from "../core.js";
import { environment, repoUrls, user } from "../shapes.js";
import type { Standin } from "../standin.js";
import type { Account } from "../state.js";

function gitRef(s: Standin, repo: Parameters<typeof repoUrls>[1], ref: string, sha: string) {
  const r = repoUrls(s.urls, repo);
  return {
    ref,
    node_id: Buffer.from(`Ref${ref}`).toString("base64"),
    url: `${r.api}/git/${ref}`,
    object: { type: "commit", sha, url: `${r.api}/git/commits/${sha}` },
  };
}

export const repoRoutes: Record<string, Handler<Standin>> = {
  "GET /repos/{owner}/{repo}/contents/{path}": ({ s, repo, params, headers }) => {
    const path = params.path ?? "";
    const text = repo.files.get(path);
    if (text === undefined) return notFound();
    // Like GitHub: an ETag on every answer, and 304 Not Modified (free against the rate limit) to a match.
    const etag = `"${createHash("sha256").update(text).digest("hex")}"`;
    if (headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
    const r = repoUrls(s.urls, repo);
    const data = Buffer.from(text);
    const sha = Buffer.from(path).toString("hex").slice(0, 40).padEnd(40, "0");
    const name = path.split("/").at(-1) ?? path;
    const reply = ok({
      type: "file",
      encoding: "base64",
      size: data.length,
      name,
      path,
      content: data.toString("base64"),
      sha,
      url: `${r.api}/contents/${path}`,
      git_url: `${r.api}/git/blobs/${sha}`,
      html_url: `${r.html}/blob/${repo.defaultBranch}/${path}`,
      download_url: `${s.urls.html}/_raw/${r.fullName}/${path}`,
      _links: {
        git: `${r.api}/git/blobs/${sha}`,
        self: `${r.api}/contents/${path}`,
        html: `${r.html}/blob/${repo.defaultBranch}/${path}`,
      },
    });
    return { ...reply, headers: { etag } };
  },

  "GET /repos/{owner}/{repo}/git/ref/{ref}": ({ s, repo, params }) => {
    const name = `refs/${params.ref ?? ""}`;
    const sha = repo.refs.get(name);
    return sha ? ok(gitRef(s, repo, name, sha)) : notFound();
  },

  "POST /repos/{owner}/{repo}/git/refs": ({ s, repo, body }) => {
    const ref = str(body, "ref") ?? "";
    const sha = str(body, "sha") ?? "";
    if (!/^refs\/.+\/.+/.test(ref)) return validationFailed(`${ref} is not a valid ref name.`);
    if (repo.refs.has(ref)) return validationFailed("Reference already exists");
    repo.refs.set(ref, sha);
    return ok(gitRef(s, repo, ref, sha), 201);
  },

  "DELETE /repos/{owner}/{repo}/git/refs/{ref}": ({ repo, params }) => {
    const name = `refs/${decodeURIComponent(params.ref ?? "")}`;
    if (!repo.refs.has(name)) return validationFailed("Reference does not exist");
    repo.refs.delete(name);
    return { status: 204 };
  },

  "GET /repos/{owner}/{repo}/git/matching-refs/{ref}": ({ s, repo, params }) => {
    const prefix = `refs/${decodeURIComponent(params.ref ?? "")}`;
    return ok(
      [...repo.refs.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, sha]) => gitRef(s, repo, name, sha)),
    );
  },

  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": ({ s, repo, params }) => {
    const login = params.username ?? "";
    const permission = repo.permissions.get(login.toLowerCase()) ?? "none";
    const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
    const account: Account = {
      login,
      id: 50000 + login.length,
      type: login.endsWith("[bot]") ? "Bot" : "User",
    };
    return ok({
      permission: legacy,
      role_name: permission,
      user: {
        ...user(s.urls, account),
        permissions: {
          admin: permission === "admin",
          maintain: permission === "admin" || permission === "maintain",
          push: ["admin", "maintain", "write"].includes(permission),
          triage: ["admin", "maintain", "write", "triage"].includes(permission),
          pull: permission !== "none",
        },
        role_name: permission,
      },
    });
  },

  "GET /repos/{owner}/{repo}/environments/{environment_name}": ({ s, repo, params }) => {
    const env = repo.environments.get(params.environment_name ?? "");
    if (!env) return notFound();
    return ok(environment(s.urls, repo, env, reviewersOf(env.reviewers)));
  },

  "GET /repos/{owner}/{repo}/environments/{environment_name}/variables": ({
    s,
    repo,
    params,
    query,
    headers,
  }) => {
    const env = params.environment_name ?? "";
    if (!repo.environments.has(env)) return notFound();
    const all = [...repo.variables.entries()]
      .filter(([key]) => key.startsWith(`${env}/`))
      .map(([, v]) => ({ name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt }));
    const url = `${repoUrls(s.urls, repo).api}/environments/${env}/variables`;
    const reply = paginate(all, query, url, (page) => ({ total_count: all.length, variables: page }));
    return conditional(reply, headers);
  },

  "GET /repos/{owner}/{repo}/environments/{environment_name}/variables/{name}": ({ repo, params }) => {
    const v = repo.variables.get(`${params.environment_name}/${(params.name ?? "").toUpperCase()}`);
    if (!repo.environments.has(params.environment_name ?? "") || !v) return notFound();
    return ok({ name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt });
  },

  "POST /repos/{owner}/{repo}/environments/{environment_name}/variables": ({ repo, params, body }) => {
    const name = (str(body, "name") ?? "").toUpperCase();
    const value = str(body, "value") ?? "";
    if (!repo.environments.has(params.environment_name ?? "")) return notFound();
    const key = `${params.environment_name}/${name}`;
    if (repo.variables.has(key)) return error(409, "Already exists - Variable already exists");
    const at = new Date().toISOString();
    repo.variables.set(key, { name, value, createdAt: at, updatedAt: at });
    return ok({}, 201);
  },

  "DELETE /repos/{owner}/{repo}/environments/{environment_name}/variables/{name}": ({ repo, params }) => {
    const key = `${params.environment_name}/${(params.name ?? "").toUpperCase()}`;
    if (!repo.variables.delete(key)) return notFound();
    return { status: 204, body: null };
  },

  "PUT /repos/{owner}/{repo}/environments/{environment_name}": ({ s, repo, params, body }) => {
    const name = params.environment_name ?? "";
    const current = repo.environments.get(name);
    const reviewers = Array.isArray(body?.reviewers) ? body.reviewers : [];
    const policy = body?.deployment_branch_policy;
    const env = s.setEnvironment(
      name,
      {
        waitTimer: typeof body?.wait_timer === "number" ? body.wait_timer : (current?.waitTimer ?? 0),
        preventSelfReview: body?.prevent_self_review === true,
        reviewers: reviewers.flatMap((r) =>
          typeof r === "object" && r !== null && !Array.isArray(r) && typeof r.id === "number"
            ? [{ type: r.type === "Team" ? ("Team" as const) : ("User" as const), id: r.id }]
            : [],
        ),
        deploymentBranchPolicy:
          typeof policy === "object" && policy !== null && !Array.isArray(policy)
            ? {
                protected_branches: policy.protected_branches === true,
                custom_branch_policies: policy.custom_branch_policies === true,
              }
            : null,
      },
      repo,
    );
    return ok(environment(s.urls, repo, env, reviewersOf(env.reviewers)));
  },
};

function reviewersOf(reviewers: { type: string; id: number }[]): Account[] {
  return reviewers
    .filter((r) => r.type === "User")
    .map((r) => ({ login: `user-${r.id}`, id: r.id, type: "User" as const }));
}
