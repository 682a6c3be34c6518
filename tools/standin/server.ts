// node:http front of the stand-in: routes by the OpenAPI path templates, checks every request and response
// against GitHub's description, and fails loudly (400/500 with the problems, recorded in `violations`).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Handler, Reply } from "./core.js";
import { error } from "./core.js";
import { apiPath, findOperation } from "./openapi/operations.js";
import type { Json, JsonObject } from "./openapi/spec.js";
import { isObject, loadSpec } from "./openapi/spec.js";
import { validateGitHubRequest, validateGitHubResponse } from "./openapi/validate.js";
import { actionRoutes } from "./routes/actions.js";
import { appRoutes } from "./routes/app.js";
import { attestationRoutes } from "./routes/attestations.js";
import { checkRoutes } from "./routes/checks.js";
import { deploymentRoutes } from "./routes/deployments.js";
import { issueRoutes } from "./routes/issues.js";
import { peopleRoutes } from "./routes/people.js";
import { releaseRoutes } from "./routes/releases.js";
import { repoRoutes } from "./routes/repo.js";
import { workflowRoutes } from "./routes/workflows.js";
import type { Standin } from "./standin.js";
import type { Account, RepoState } from "./state.js";

export const routes: Record<string, Handler<Standin>> = {
  ...appRoutes,
  ...releaseRoutes,
  ...attestationRoutes,
  ...repoRoutes,
  ...checkRoutes,
  ...deploymentRoutes,
  ...actionRoutes,
  ...issueRoutes,
  ...peopleRoutes,
  ...workflowRoutes,
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { "x-github-request-id": "STANDIN", ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  headers["content-type"] = "application/json; charset=utf-8";
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}

function serveBytes(s: Standin, path: string, res: ServerResponse): boolean {
  const download = /^\/_downloads\/(\d+)\//.exec(path);
  const browser = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/.exec(path);
  if (!download && !browser) return false;
  for (const repo of s.repos.values()) {
    for (const release of repo.releases) {
      const asset = release.assets.find((a) =>
        download
          ? a.id === Number(download[1])
          : `${repo.owner.login}/${repo.name}`.toLowerCase() ===
              `${browser?.[1]}/${browser?.[2]}`.toLowerCase() &&
            release.tag === decodeURIComponent(browser?.[3] ?? "") &&
            a.name === decodeURIComponent(browser?.[4] ?? ""),
      );
      if (asset) {
        res
          .writeHead(200, { "content-type": asset.contentType, "content-length": String(asset.data.length) })
          .end(asset.data);
        return true;
      }
    }
  }
  res.writeHead(404).end("Not Found");
  return true;
}

function actorFor(s: Standin, req: IncomingMessage, appEndpoint: boolean): Account | undefined {
  const header = req.headers.authorization ?? "";
  const [scheme, credential] = header.split(/\s+/, 2);
  if (!credential) return s.options.requireAuth === false ? s.appBot : undefined;
  if (appEndpoint) {
    // A GitHub App authenticates as itself with a JWT (header.payload.signature).
    return /^bearer$/i.test(scheme ?? "") && credential.split(".").length === 3 ? s.appBot : undefined;
  }
  return s.tokens.get(credential) ?? (s.options.requireAuth === false ? s.appBot : undefined);
}

/** Error statuses GitHub answers without documenting them for every operation still use the basic-error shape. */
function undocumentedErrorIsBasic(reply: Reply): boolean {
  if (reply.status < 400 || !isObject(reply.body as Json)) return false;
  const validate = loadSpec().validator("#/components/schemas/basic-error");
  return validate(reply.body) === true;
}

export async function handle(s: Standin, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", s.urls.html);
  const raw = await readBody(req);
  const isApi = url.pathname === "/api/v3" || url.pathname.startsWith("/api/v3/");
  if (!isApi && method === "GET" && serveBytes(s, url.pathname, res)) return;
  const { path } = apiPath(url.toString());
  const handled = await answer(s, req, method, url, raw);
  // A fault injected after the fact: GitHub did the work, then the answer was lost (a 502 from its front end).
  const fault = handled.status < 300 ? s.takeFault(method, path) : undefined;
  const reply = fault ? error(fault.status, fault.message ?? "Bad Gateway") : handled;
  s.requests.push({ method, path: `${path}${url.search}`, status: reply.status });
  send(res, reply);
}

async function answer(
  s: Standin,
  req: IncomingMessage,
  method: string,
  url: URL,
  raw: Buffer,
): Promise<Reply> {
  const label = `${method} ${apiPath(url.toString()).path}${url.search}`;
  let body: Json | undefined;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8")) as Json;
    } catch {
      s.violation(`${label}: request body is not JSON`);
      return error(400, "Problems parsing JSON");
    }
  }
  const problems = validateGitHubRequest({ method, url: url.toString(), body });
  const op = findOperation(method, url.toString());
  if (!op || problems.length > 0) {
    s.violation(problems.join("\n"));
    return {
      status: 400,
      body: { message: "Request does not match GitHub's OpenAPI description", errors: problems },
    };
  }
  const key = `${method} ${op.template}`;
  const handler = routes[key];
  if (!handler) {
    s.violation(`${label}: ${op.template} is valid GitHub API but the stand-in does not implement it`);
    return error(404, `Not implemented by the stand-in: ${key}`);
  }
  const asApp = op.template.startsWith("/app") || op.template.endsWith("/installation");
  const actor = actorFor(s, req, asApp);
  if (!actor) return error(401, "Bad credentials");
  const limited = asApp ? undefined : s.limits?.admit(actor.login, method, op.template);
  if (limited) return limited;
  let repo: RepoState | undefined;
  if (op.template.startsWith("/repos/{owner}/{repo}")) {
    repo = s.repos.get(`${op.pathParams.owner}/${op.pathParams.repo}`.toLowerCase());
    if (!repo) return error(404, "Not Found");
  }
  let reply: Reply;
  try {
    reply = await handler({
      s,
      method,
      template: op.template,
      params: op.pathParams,
      query: url.searchParams,
      body: isObject(body) ? body : undefined,
      headers: req.headers,
      repo: repo ?? s.repo(),
      actor,
    });
  } catch (err) {
    const message = `${label}: stand-in handler threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    s.violation(message);
    return error(500, message);
  }
  // 302 (to storage) and 304 (a conditional request matched: no body) are answered on any operation.
  if (reply.status === 302 || reply.status === 304) return reply;
  const responseProblems = validateGitHubResponse({
    method,
    url: url.toString(),
    status: reply.status,
    body: reply.body,
  });
  // GitHub answers its errors with the basic-error body, also on a status its description lists without one
  // (DELETE git/refs: 422 "Reference does not exist").
  const undocumented =
    responseProblems.length === 1 && /is not documented|documents no body/.test(responseProblems[0] ?? "");
  if (responseProblems.length > 0 && !(undocumented && undocumentedErrorIsBasic(reply))) {
    s.violation(
      `stand-in response does not match GitHub's OpenAPI description:\n  ${responseProblems.join("\n  ")}`,
    );
    return {
      status: 500,
      body: {
        message: "Stand-in response does not match GitHub's OpenAPI description",
        errors: responseProblems,
      } as JsonObject,
    };
  }
  return reply;
}
