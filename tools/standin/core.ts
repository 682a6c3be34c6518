import { createHash } from "node:crypto";
// The stand-in's shared pieces: handler types, replies, the accounts GitHub itself uses.
import type { IncomingHttpHeaders } from "node:http";
import type { Json, JsonObject } from "./openapi/spec.js";
import type { Account, RepoState } from "./state.js";

export interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

export interface Ctx<S> {
  s: S;
  method: string;
  template: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: JsonObject | undefined;
  headers: IncomingHttpHeaders;
  /** Set for /repos/{owner}/{repo}/... routes (404 is answered before the handler otherwise). */
  repo: RepoState;
  /** Who the token belongs to. */
  actor: Account;
}

export type Handler<S> = (ctx: Ctx<S>) => Reply | Promise<Reply>;

export const GITHUB_ACTIONS: Account = { login: "github-actions[bot]", id: 41898282, type: "Bot" };

/** The GitHub Actions App, owner of workflow jobs' check runs. */
export const GITHUB_ACTIONS_APP = {
  id: 15368,
  slug: "github-actions",
  name: "GitHub Actions",
  owner: { login: "github", id: 9919, type: "Organization" as const },
};

export function ok(body: Json, status = 200): Reply {
  return { status, body };
}

export function error(status: number, message: string): Reply {
  return { status, body: { message, documentation_url: "https://docs.github.com/rest" } };
}

export function notFound(): Reply {
  return error(404, "Not Found");
}

export function validationFailed(message: string): Reply {
  return {
    status: 422,
    body: { message, documentation_url: "https://docs.github.com/rest" },
  };
}

export function str(body: JsonObject | undefined, key: string): string | undefined {
  const v = body?.[key];
  return typeof v === "string" ? v : undefined;
}

export function intParam(ctx: { params: Record<string, string> }, name: string): number {
  return Number(ctx.params[name]);
}

/**
 * Like GitHub: an ETag on a 200 answer, and 304 Not Modified (free against the rate limit) to a request whose
 * `If-None-Match` matches it (GitHub answers conditional requests on every GET, documented or not).
 */
export function conditional(reply: Reply, headers: Record<string, unknown>): Reply {
  if (reply.status !== 200) return reply;
  const etag = `W/"${createHash("sha256")
    .update(JSON.stringify(reply.body ?? null))
    .digest("hex")}"`;
  if (headers["if-none-match"] === etag) return { status: 304, headers: { etag } };
  return { ...reply, headers: { ...(reply.headers ?? {}), etag } };
}

/** Applies `per_page`/`page` and adds GitHub's Link header so octokit's paginate() walks the pages. */
export function paginate(
  items: Json[],
  query: URLSearchParams,
  selfUrl: string,
  wrap?: (page: Json[]) => Json,
): Reply {
  const perPage = Math.min(Number(query.get("per_page") ?? 30) || 30, 100);
  const page = Math.max(Number(query.get("page") ?? 1) || 1, 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (p: number, rel: string): string => {
    const u = new URL(selfUrl);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"), link(page - 1, "prev"));
  return {
    status: 200,
    body: wrap ? wrap(slice) : slice,
    headers: links.length ? { link: links.join(", ") } : {},
  };
}
