// Issue comments and reactions.
import type { Handler } from "../core.js";
import { notFound, ok, paginate, str } from "../core.js";
import { comment, reaction, repoUrls } from "../shapes.js";
import type { Standin } from "../standin.js";
import { newId, now } from "../state.js";

export const issueRoutes: Record<string, Handler<Standin>> = {
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": ({ s, repo, params, body, actor }) => {
    const createdAt = now();
    const c = {
      id: newId(),
      issueNumber: Number(params.issue_number),
      body: str(body, "body") ?? "",
      user: actor,
      createdAt,
      updatedAt: createdAt,
      reactions: [],
    };
    repo.comments.push(c);
    return ok(comment(s.urls, repo, c), 201);
  },

  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": ({ s, repo, params, query }) =>
    paginate(
      repo.comments
        .filter((c) => c.issueNumber === Number(params.issue_number))
        .map((c) => comment(s.urls, repo, c)),
      query,
      `${repoUrls(s.urls, repo).api}/issues/${params.issue_number}/comments`,
    ),

  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": ({ s, repo, params, body }) => {
    const c = repo.comments.find((x) => x.id === Number(params.comment_id));
    if (!c) return notFound();
    c.body = str(body, "body") ?? c.body;
    c.updatedAt = now();
    return ok(comment(s.urls, repo, c));
  },

  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": ({ s, repo, params, body, actor }) => {
    const c = repo.comments.find((x) => x.id === Number(params.comment_id));
    if (!c) return notFound();
    const content = str(body, "content") ?? "";
    const existing = c.reactions.find((r) => r.content === content && r.user.login === actor.login);
    if (existing) return ok(reaction(s.urls, existing), 200);
    const r = { id: newId(), content, user: actor, createdAt: now() };
    c.reactions.push(r);
    return ok(reaction(s.urls, r), 201);
  },

  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": ({ s, repo, params, query }) => {
    const c = repo.comments.find((x) => x.id === Number(params.comment_id));
    if (!c) return notFound();
    const content = query.get("content");
    return paginate(
      c.reactions.filter((r) => !content || r.content === content).map((r) => reaction(s.urls, r)),
      query,
      `${repoUrls(s.urls, repo).api}/issues/comments/${c.id}/reactions`,
    );
  },
};
