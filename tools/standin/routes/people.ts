// The people behind a commit (author, committer, the pull request that merged it) and reviews of waiting
// deploy jobs: what the four-eyes gate reads to know who may not approve and who approved in GitHub's UI.
import type { Handler } from "../core.js";
import { notFound, ok } from "../core.js";
import { isObject, loadSpec } from "../openapi/spec.js";
import { example, repoUrls, user } from "../shapes.js";

/** The first item of a list example (`example()` takes object examples only). */
function firstItem(name: string): Record<string, unknown> {
  const node = loadSpec().resolve(`#/components/examples/${name}/value`).node;
  const first = Array.isArray(node) ? node[0] : undefined;
  if (!isObject(first)) throw new Error(`GitHub's OpenAPI description has no list example ${name}`);
  return structuredClone(first) as Record<string, unknown>;
}

import type { Standin } from "../standin.js";

export const peopleRoutes: Record<string, Handler<Standin>> = {
  "GET /repos/{owner}/{repo}/commits/{ref}": ({ s, repo, params }) => {
    const sha = s.resolveRef(repo, params.ref ?? "") ?? params.ref ?? "";
    const people = repo.commitPeople.get(sha);
    const base = example("commit");
    const r = repoUrls(s.urls, repo);
    return ok({
      ...base,
      sha,
      url: `${r.api}/commits/${sha}`,
      html_url: `${r.html}/commit/${sha}`,
      files: [],
      author: people?.author ? user(s.urls, people.author) : null,
      committer: people?.committer ? user(s.urls, people.committer) : null,
    });
  },

  "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls": ({ s, repo, params }) => {
    const pulls = repo.commitPeople.get(params.commit_sha ?? "")?.pulls ?? [];
    if (pulls.length === 0) return ok([]);
    const base = firstItem("pull-request-simple-items");
    return ok(
      pulls.map((p) => ({
        ...base,
        id: 500000 + p.number,
        number: p.number,
        user: user(s.urls, p.user),
        merged_at: "2026-11-30T12:00:00Z",
      })),
    );
  },

  "GET /repos/{owner}/{repo}/pulls/{pull_number}": ({ s, repo, params }) => {
    const number = Number(params.pull_number);
    for (const people of repo.commitPeople.values()) {
      const pull = people.pulls?.find((p) => p.number === number);
      if (pull)
        return ok({
          ...example("pull-request"),
          id: 500000 + number,
          number,
          user: user(s.urls, pull.user),
          merged: true,
          merged_at: "2026-11-30T12:00:00Z",
          merged_by: user(s.urls, pull.mergedBy),
        });
    }
    return notFound();
  },

  "GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals": ({ s, repo, params }) => {
    const reviews = repo.runApprovals.get(Number(params.run_id)) ?? [];
    if (reviews.length === 0) return ok([]);
    const base = firstItem("environment-approvals-items");
    const baseEnv = ((base.environments as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    return ok(
      reviews.map((r) => ({
        ...base,
        user: user(s.urls, r.user),
        state: r.state,
        environments: [{ ...baseEnv, name: r.environment }],
      })),
    );
  },
};
