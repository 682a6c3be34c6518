// How the CLI finds the repository, the token and the GitHub host, as `gh` does, and turns GitHub's and the
// network's failures into messages that say what to do.
import { spawnSync } from "node:child_process";
import { Octokit } from "@octokit/rest";
import type { GitHubClient, RepoRef } from "../github/client.js";
import { EXIT } from "./exit.js";

export interface CliEnv {
  env: NodeJS.ProcessEnv;
  /** Runs a program and returns its stdout (undefined when it fails or is missing): `git`, `gh`. */
  exec?: (command: string, args: string[], cwd: string) => string | undefined;
  fetch?: typeof globalThis.fetch;
  /** Waits between polls (watch, waiting for the App's answer); tests make it instant. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export function defaultExec(command: string, args: string[], cwd: string): string | undefined {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** A failure the user can act on, with the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** owner/name from a remote URL: https://github.com/o/r(.git), git@github.com:o/r.git, ssh://git@host/o/r. */
export function repoFromRemote(url: string): RepoRef | undefined {
  const m = /^(?:https?:\/\/[^/]+\/|ssh:\/\/[^/]+\/|[\w.-]+@[^:]+:)([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(
    url.trim(),
  );
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

export interface GitHubContext {
  client: GitHubClient;
  repo: RepoRef;
  /** Where the token came from, for messages ("GITHUB_TOKEN", "gh auth token") or undefined. */
  tokenSource?: string;
  apiUrl: string;
  slug: string;
}

/** The repository: --repo, else GITHUB_REPOSITORY, else the `origin` remote of the directory. */
export function resolveRepo(flag: string | undefined, deps: CliEnv, cwd: string): RepoRef {
  const given = flag ?? deps.env.GITHUB_REPOSITORY;
  if (given) {
    const m = /^([\w.-]+)\/([\w.-]+)$/.exec(given);
    if (!m) throw new CliError(`"${given}" is not a repository: write it as owner/name`, EXIT.usage);
    return { owner: m[1]!, repo: m[2]! };
  }
  const remote = (deps.exec ?? defaultExec)("git", ["remote", "get-url", "origin"], cwd);
  const repo = remote ? repoFromRemote(remote) : undefined;
  if (!repo)
    throw new CliError(
      remote
        ? `the origin remote (${remote}) is not a GitHub repository URL: name it with --repo owner/name`
        : "no repository: run this inside a clone with an `origin` remote, or pass --repo owner/name",
      EXIT.usage,
    );
  return repo;
}

/** The token: GITHUB_TOKEN, GH_TOKEN, else `gh auth token` (for GH_HOST when set). */
export function resolveToken(deps: CliEnv, cwd: string): { token?: string; source?: string } {
  if (deps.env.GITHUB_TOKEN) return { token: deps.env.GITHUB_TOKEN, source: "GITHUB_TOKEN" };
  if (deps.env.GH_TOKEN) return { token: deps.env.GH_TOKEN, source: "GH_TOKEN" };
  const args = ["auth", "token", ...(deps.env.GH_HOST ? ["--hostname", deps.env.GH_HOST] : [])];
  const token = (deps.exec ?? defaultExec)("gh", args, cwd);
  return token ? { token, source: "gh auth token" } : {};
}

/** The REST API: --api-url, GITHUB_API_URL, https://<GH_HOST>/api/v3 (GitHub Enterprise Server), api.github.com. */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag.replace(/\/+$/, "");
  if (env.GITHUB_API_URL) return env.GITHUB_API_URL.replace(/\/+$/, "");
  const host = env.GH_HOST?.trim();
  if (host && host !== "github.com") return `https://${host}/api/v3`;
  return "https://api.github.com";
}

export function githubContext(
  flags: { repo?: string; "api-url"?: string; dir?: string },
  deps: CliEnv,
): GitHubContext {
  const cwd = flags.dir ?? process.cwd();
  const repo = resolveRepo(flags.repo, deps, cwd);
  const { token, source } = resolveToken(deps, cwd);
  const apiUrl = resolveApiUrl(flags["api-url"], deps.env);
  const octokit = new Octokit({
    ...(token ? { auth: token } : {}),
    baseUrl: apiUrl,
    userAgent: "shipline-cli",
    log: { debug() {}, info() {}, warn() {}, error() {} },
    ...(deps.fetch ? { request: { fetch: deps.fetch } } : {}),
  });
  const slug = `${repo.owner}/${repo.repo}`;
  const client: GitHubClient = {
    async request(route, params) {
      try {
        return (await octokit.request(route, params)) as Awaited<ReturnType<GitHubClient["request"]>>;
      } catch (error) {
        throw explain(error, { apiUrl, slug, ...(source ? { tokenSource: source } : {}) });
      }
    },
  };
  return { client, repo, apiUrl, slug, ...(source ? { tokenSource: source } : {}) };
}

const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, i = 0; e && i < 5; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** GitHub's and the network's errors in words; a 404 is left to the caller, which knows what was missing. */
export function explain(error: unknown, at: { apiUrl: string; slug: string; tokenSource?: string }): unknown {
  if (error instanceof CliError) return error;
  const host = new URL(at.apiUrl).host;
  const code = networkCode(error);
  if (code)
    return new CliError(
      `cannot reach ${host} (${code}): check your network${host === "api.github.com" ? "; for GitHub Enterprise Server set GH_HOST" : " and GH_HOST"}`,
      EXIT.unavailable,
    );
  const status = (error as { status?: unknown }).status;
  if (status === 401)
    return new CliError(
      at.tokenSource
        ? `GitHub refused the token from ${at.tokenSource} (401): it has expired or been revoked; set a new one or run \`gh auth login\``
        : "not authenticated: set GITHUB_TOKEN (or GH_TOKEN), or run `gh auth login`",
      EXIT.auth,
    );
  if (status === 403) {
    const message = error instanceof Error ? error.message : "";
    return new CliError(
      /rate limit/i.test(message)
        ? `GitHub's rate limit is used up${at.tokenSource ? "" : " (unauthenticated requests get 60 an hour: set GITHUB_TOKEN)"}; try again later`
        : `GitHub refused this (403) for ${at.slug}: the token needs access to the repository (contents, checks, issues)`,
      EXIT.auth,
    );
  }
  if (status === 404 && !at.tokenSource)
    return new CliError(
      `${at.slug} was not found, or it is private and you are not authenticated: set GITHUB_TOKEN (or GH_TOKEN), or run \`gh auth login\``,
      EXIT.auth,
    );
  return error;
}

export function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
}
