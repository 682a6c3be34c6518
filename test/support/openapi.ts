// Checks the GitHub REST traffic of a test against GitHub's official OpenAPI description (@octokit/openapi).
// The validators live in tools/standin/openapi/ (the GitHub stand-in uses them too); this module adds the nock hook.
import { createRequire } from "node:module";
import nock from "nock";
import { afterEach, beforeEach } from "vitest";
import { apiPath } from "../../tools/standin/openapi/operations.js";
import type { Json } from "../../tools/standin/openapi/spec.js";
import { validateGitHubRequest, validateGitHubResponse } from "../../tools/standin/openapi/validate.js";

export type { GitHubRequest, GitHubResponse } from "../../tools/standin/openapi/validate.js";
export { validateGitHubRequest, validateGitHubResponse };

export interface Recorded {
  method: string;
  url: string;
  /** Path relative to the API root (`/api/v3` removed). */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body; undefined when there was none; the raw text when it was not JSON. */
  body: unknown;
  /** Whether a nock interceptor answered it (false: nock had no match, or the request went to loopback). */
  matched: boolean;
  /** Problems found by validateGitHubRequest. */
  problems: string[];
}

export interface GitHubTraffic {
  readonly requests: Recorded[];
  /** Waits until the bodies of unmatched requests have been read. */
  settle(): Promise<void>;
  /** Throws one Error listing every invalid request. */
  assertValid(): void;
  stop(): void;
}

interface FetchRequest {
  url: string;
  method: string;
  clone(): { text(): Promise<string> };
}

type Listener = (request: FetchRequest, body: Promise<string> | string, matched: boolean) => void;
const listeners = new Set<Listener>();
let installed = false;

function isFetchRequest(value: unknown): value is FetchRequest {
  return (
    typeof value === "object" && value !== null && "url" in value && "method" in value && "clone" in value
  );
}

/** nock 15 has no global "request matched" event: scopes emit `request`. Every scope shares one prototype. */
function install(): void {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  // Trust boundary: nock's internal module; checked below to be the class nock() instantiates.
  const { Scope } = require("nock/lib/scope.js") as {
    Scope: { prototype: { emit(event: string, ...args: unknown[]): boolean } };
  };
  const probe: unknown = nock("https://shipline-probe.invalid");
  if (!(probe instanceof (Scope as unknown as new () => object))) {
    throw new Error("nock's Scope class is not the one nock() uses; the request recorder cannot hook it");
  }
  const original = Scope.prototype.emit;
  Scope.prototype.emit = function emit(this: unknown, event: string, ...args: unknown[]): boolean {
    const [request, , body] = args;
    if (event === "request" && isFetchRequest(request)) {
      for (const listener of listeners) listener(request, typeof body === "string" ? body : "", true);
    }
    return original.call(this, event, ...args);
  };
  nock.emitter.on("no match", (request: unknown) => {
    if (!isFetchRequest(request) || listeners.size === 0) return;
    let body: Promise<string>;
    try {
      body = request.clone().text();
    } catch {
      body = Promise.resolve("");
    }
    for (const listener of listeners) listener(request, body, false);
  });
}

export function isGitHubApiUrl(url: string): boolean {
  const parsed = new URL(url);
  return (
    parsed.hostname === "api.github.com" ||
    parsed.pathname === "/api/v3" ||
    parsed.pathname.startsWith("/api/v3/")
  );
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

let allowInvalid = false;

/** For a test that sends invalid GitHub requests on purpose: the shared setup then does not fail it. */
export function allowInvalidGitHubRequests(): void {
  allowInvalid = true;
}

export function invalidGitHubRequestsAllowed(): boolean {
  return allowInvalid;
}

export function resetInvalidGitHubRequestsAllowed(): void {
  allowInvalid = false;
}

/** Records every request to a GitHub API host (api.github.com or any `/api/v3` base) that goes through nock. */
export function recordGitHubRequests(): GitHubTraffic {
  install();
  const requests: Recorded[] = [];
  const pending = new Set<Promise<void>>();
  const record = (request: FetchRequest, body: string, matched: boolean): void => {
    const { path, query } = apiPath(request.url);
    const parsed = parseBody(body);
    requests.push({
      method: request.method.toUpperCase(),
      url: request.url,
      path,
      query: Object.fromEntries(query),
      body: parsed,
      matched,
      problems: validateGitHubRequest({ method: request.method, url: request.url, body: parsed }),
    });
  };
  const listener: Listener = (request, body, matched) => {
    if (!isGitHubApiUrl(request.url)) return;
    if (typeof body === "string") {
      record(request, body, matched);
      return;
    }
    const done = body.then(
      (text) => record(request, text, matched),
      () => record(request, "", matched),
    );
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };
  listeners.add(listener);
  return {
    requests,
    async settle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    assertValid() {
      const invalid = requests.filter((r) => r.problems.length > 0);
      const unread =
        pending.size > 0 ? [`${pending.size} request bodies are still being read: await settle() first`] : [];
      if (invalid.length === 0 && unread.length === 0) return;
      const lines = invalid.flatMap((r) => [`${r.method} ${r.url}`, ...r.problems.map((p) => `  - ${p}`)]);
      throw new Error(
        `${invalid.length} GitHub request(s) do not match GitHub's OpenAPI description:\n${[...lines, ...unread].join("\n")}`,
      );
    },
    stop() {
      listeners.delete(listener);
    },
  };
}

/**
 * Records GitHub traffic during every test of the calling file and fails the test (in afterEach) when a request
 * does not match GitHub's OpenAPI description. `current().requests` lists what the running test sent.
 */
export function expectValidGitHubTraffic(): { current(): GitHubTraffic } {
  let traffic: GitHubTraffic | undefined;
  beforeEach(() => {
    traffic = recordGitHubRequests();
  });
  afterEach(async () => {
    const t = traffic;
    traffic = undefined;
    if (!t) return;
    await t.settle();
    t.stop();
    t.assertValid();
  });
  return {
    current() {
      if (!traffic) throw new Error("expectValidGitHubTraffic: no test is running");
      return traffic;
    },
  };
}
