// One set of GitHub records (REST JSON as GitHub returns it), served to BOTH of Shipline's paths: the App's
// GitHubClient (route + params, as Octokit's request takes them) and the Action's fetch (URLs). A contract row
// gives records and an expected answer; both paths read these same records, nothing else.
import { createHash } from "node:crypto";
import type { GitHubClient } from "../../src/github/client.js";

export const API = "https://api.github.com";

export interface RecordAsset {
  id: number;
  name: string;
  /** The bytes GitHub serves for it. */
  text: string;
  /** GitHub's digest; default: sha256 of `text` (as GitHub computes it); null: none. */
  digest?: string | null;
  uploader: { login: string; type: string } | null;
  state?: string;
}

export interface RecordDeployment {
  id: number;
  ref: string;
  environment: string;
  created_at: string;
  /** Newest first, as GitHub lists them. */
  statuses: string[];
}

export interface RecordCheckRun {
  id: number;
  name: string;
  head_sha: string;
  app: { slug: string };
  output: { title: string; summary: string };
}

export interface GitHubRecords {
  owner: string;
  repo: string;
  /** "<repo>@<ref>:<path>" (at that ref) or "<repo>:<path>" (default branch and any ref). */
  files: Record<string, string>;
  release?: { tag: string; sha: string; author: string; assets: RecordAsset[] };
  deployments: RecordDeployment[];
  checkRuns: RecordCheckRun[];
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

interface Answer {
  status: number;
  body: unknown;
}

const notFound: Answer = { status: 404, body: { message: "Not Found" } };

function releaseJson(records: GitHubRecords) {
  const r = records.release!;
  return {
    id: 1,
    tag_name: r.tag,
    target_commitish: "main",
    draft: false,
    prerelease: false,
    html_url: `https://github.com/${records.owner}/${records.repo}/releases/tag/${r.tag}`,
    author: { login: r.author, type: r.author.endsWith("[bot]") ? "Bot" : "User" },
    assets: r.assets.map((a) => ({
      id: a.id,
      name: a.name,
      size: Buffer.byteLength(a.text),
      state: a.state ?? "uploaded",
      content_type: "application/octet-stream",
      digest: a.digest === undefined ? `sha256:${sha256(a.text)}` : a.digest,
      uploader: a.uploader,
      url: `${API}/repos/${records.owner}/${records.repo}/releases/assets/${a.id}`,
    })),
  };
}

/** GitHub's answer to GET `path` (below /repos/{owner}/{repo}) with `query`. */
export function answer(records: GitHubRecords, path: string, query: URLSearchParams): Answer {
  const content = /^\/contents\/(.+)$/.exec(path);
  if (content) return contents(records, records.repo, content[1]!, query.get("ref"));
  const releaseTag = /^\/releases\/tags\/(.+)$/.exec(path);
  if (releaseTag) {
    const tag = decodeURIComponent(releaseTag[1]!);
    return records.release?.tag === tag ? { status: 200, body: releaseJson(records) } : notFound;
  }
  const assetId = /^\/releases\/assets\/(\d+)$/.exec(path)?.[1];
  if (assetId) {
    const asset = records.release?.assets.find((a) => a.id === Number(assetId));
    return asset ? { status: 200, body: Buffer.from(asset.text) } : notFound;
  }
  const refTag = /^\/git\/ref\/tags\/(.+)$/.exec(path)?.[1];
  if (refTag) {
    const tag = decodeURIComponent(refTag);
    return records.release?.tag === tag
      ? {
          status: 200,
          body: { ref: `refs/tags/${tag}`, object: { type: "commit", sha: records.release.sha } },
        }
      : notFound;
  }
  if (path === "/deployments") {
    const perPage = Number(query.get("per_page") ?? 30);
    const page = Number(query.get("page") ?? 1);
    const listed = records.deployments
      .filter((d) => !query.get("environment") || d.environment === query.get("environment"))
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
      .slice((page - 1) * perPage, page * perPage)
      .map(({ statuses: _, ...d }) => ({ ...d, sha: "0".repeat(40), task: "deploy" }));
    return { status: 200, body: listed };
  }
  const deploymentId = /^\/deployments\/(\d+)\/statuses$/.exec(path)?.[1];
  if (deploymentId) {
    const d = records.deployments.find((x) => x.id === Number(deploymentId));
    if (!d) return notFound;
    return {
      status: 200,
      body: d.statuses.map((state, i) => ({ id: d.id * 100 + i, state, environment: d.environment })),
    };
  }
  const commit = /^\/commits\/([^/]+)\/check-runs$/.exec(path)?.[1];
  if (commit) {
    const name = query.get("check_name");
    const runs = records.checkRuns.filter((c) => c.head_sha === commit && (!name || c.name === name));
    return { status: 200, body: { total_count: runs.length, check_runs: runs } };
  }
  throw new Error(`contract fake: no record answers GET ${path}?${query}`);
}

function contents(records: GitHubRecords, repo: string, path: string, ref: string | null): Answer {
  const text =
    (ref ? records.files[`${repo}@${ref}:${path}`] : undefined) ?? records.files[`${repo}:${path}`];
  if (text === undefined) return notFound;
  return {
    status: 200,
    body: {
      type: "file",
      path,
      size: Buffer.byteLength(text),
      encoding: "base64",
      content: Buffer.from(text).toString("base64"),
    },
  };
}

/** The App's side: an Octokit-shaped `request` over the records (errors carry `status`, as RequestError does). */
export function appClient(records: GitHubRecords): GitHubClient {
  return {
    async request(route, params = {}) {
      const [method, template] = route.split(" ") as [string, string];
      if (method !== "GET") throw new Error(`contract fake: the rules only read, got ${route}`);
      const used = new Set<string>();
      const url = template.replace(/\{(\w+)\}/g, (_, key: string) => {
        used.add(key);
        return key === "path" || key === "ref"
          ? String(params[key])
          : encodeURIComponent(String(params[key]));
      });
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params))
        if (!used.has(key) && key !== "headers" && key !== "request" && value !== undefined)
          query.set(key, String(value));
      const repoPrefix = `/repos/${params.owner}/${params.repo}`;
      if (!url.startsWith(repoPrefix)) throw new Error(`contract fake: unexpected ${url}`);
      // The org's `.github` repository is another repository: its files are keyed by its name.
      const got =
        params.repo !== records.repo && /\/contents\//.test(template)
          ? contents(records, String(params.repo), String(params.path), (params.ref as string) ?? null)
          : params.repo === records.repo
            ? answer(records, url.slice(repoPrefix.length), query)
            : notFound;
      if (got.status >= 400) throw Object.assign(new Error(`HTTP ${got.status}`), { status: got.status });
      return { status: got.status, data: got.body, headers: {} };
    },
  };
}

/** The Action's side: fetch over the same records (the job's token reads only its own repository). */
export function actionFetch(records: GitHubRecords): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const prefix = `/repos/${records.owner}/${records.repo}`;
    if (url.origin !== API || !url.pathname.startsWith(prefix))
      return new Response(JSON.stringify(notFound.body), { status: 404 });
    const got = answer(records, url.pathname.slice(prefix.length), url.searchParams);
    if (Buffer.isBuffer(got.body))
      return new Response(new Uint8Array(got.body), {
        status: got.status,
        headers: { "content-length": String(got.body.length) },
      });
    return new Response(JSON.stringify(got.body), {
      status: got.status,
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
}
