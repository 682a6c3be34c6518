// Releases and their assets (assets are created by the test helper `createRelease`, with real bytes).
import type { Handler } from "../core.js";
import { notFound, ok, paginate } from "../core.js";
import { asset, release, repoUrls } from "../shapes.js";
import type { Standin } from "../standin.js";

export const releaseRoutes: Record<string, Handler<Standin>> = {
  "GET /repos/{owner}/{repo}/releases": ({ s, repo, query }) =>
    paginate(
      repo.releases.map((r) => release(s.urls, repo, r)),
      query,
      `${repoUrls(s.urls, repo).api}/releases`,
    ),

  "GET /repos/{owner}/{repo}/releases/latest": ({ s, repo }) => {
    const latest = repo.releases.find((r) => !r.draft && !r.prerelease);
    return latest ? ok(release(s.urls, repo, latest)) : notFound();
  },

  "GET /repos/{owner}/{repo}/releases/tags/{tag}": ({ s, repo, params }) => {
    const found = repo.releases.find((r) => r.tag === params.tag && !r.draft);
    return found ? ok(release(s.urls, repo, found)) : notFound();
  },

  "GET /repos/{owner}/{repo}/releases/{release_id}": ({ s, repo, params }) => {
    const found = repo.releases.find((r) => r.id === Number(params.release_id));
    return found ? ok(release(s.urls, repo, found)) : notFound();
  },

  "GET /repos/{owner}/{repo}/releases/{release_id}/assets": ({ s, repo, params, query }) => {
    const found = repo.releases.find((r) => r.id === Number(params.release_id));
    if (!found) return notFound();
    return paginate(
      found.assets.map((a) => asset(s.urls, repo, found, a)),
      query,
      `${repoUrls(s.urls, repo).api}/releases/${found.id}/assets`,
    );
  },

  // JSON metadata, or with `Accept: application/octet-stream` a 302 to the bytes, as GitHub answers.
  "GET /repos/{owner}/{repo}/releases/assets/{asset_id}": ({ s, repo, params, headers }) => {
    for (const r of repo.releases) {
      const a = r.assets.find((x) => x.id === Number(params.asset_id));
      if (!a) continue;
      if (/application\/octet-stream/.test(headers.accept ?? "")) {
        return {
          status: 302,
          headers: { location: `${s.urls.html}/_downloads/${a.id}/${encodeURIComponent(a.name)}` },
        };
      }
      return ok(asset(s.urls, repo, r, a));
    }
    return notFound();
  },
};
