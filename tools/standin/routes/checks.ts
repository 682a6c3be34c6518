// Check runs: create, update, get, list for a ref.
import type { Handler } from "../core.js";
import { conditional, GITHUB_ACTIONS_APP, notFound, ok, paginate, str } from "../core.js";
import type { JsonObject } from "../openapi/spec.js";
import { isObject } from "../openapi/spec.js";
import { annotation, checkRun, repoUrls } from "../shapes.js";
import type { Standin } from "../standin.js";
import type { CheckRun } from "../state.js";
import { newId, now } from "../state.js";

function applyFields(run: CheckRun, body: JsonObject | undefined): void {
  if (!body) return;
  const name = str(body, "name");
  if (name) run.name = name;
  const details = str(body, "details_url");
  if (details !== undefined) run.detailsUrl = details;
  const external = str(body, "external_id");
  if (external !== undefined) run.externalId = external;
  const started = str(body, "started_at");
  if (started) run.startedAt = started;
  const status = str(body, "status");
  if (status) run.status = status;
  const conclusion = str(body, "conclusion");
  if (conclusion) {
    run.conclusion = conclusion;
    run.status = "completed";
  }
  if (run.status === "completed") run.completedAt = str(body, "completed_at") ?? run.completedAt ?? now();
  if (isObject(body.output)) {
    run.output = {
      title: str(body.output, "title") ?? run.output.title,
      summary: str(body.output, "summary") ?? run.output.summary,
      text: str(body.output, "text") ?? run.output.text,
    };
  }
  run.writes = [...(run.writes ?? []), { status: run.status, title: run.output.title }];
  if (Array.isArray(body.actions)) {
    run.actions = body.actions.filter(isObject).map((a) => ({
      label: str(a, "label") ?? "",
      description: str(a, "description") ?? "",
      identifier: str(a, "identifier") ?? "",
    }));
  }
}

export const checkRoutes: Record<string, Handler<Standin>> = {
  "POST /repos/{owner}/{repo}/check-runs": ({ s, repo, body }) => {
    const run: CheckRun = {
      id: newId(),
      headSha: str(body, "head_sha") ?? "",
      name: str(body, "name") ?? "",
      status: "queued",
      conclusion: null,
      startedAt: now(),
      completedAt: null,
      detailsUrl: null,
      externalId: "",
      output: { title: null, summary: null, text: null },
      actions: [],
    };
    applyFields(run, body);
    repo.checkRuns.push(run);
    return ok(checkRun(s.urls, repo, run, s.app), 201);
  },

  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": ({ s, repo, params, body }) => {
    const run = repo.checkRuns.find((c) => c.id === Number(params.check_run_id));
    if (!run) return notFound();
    applyFields(run, body);
    return ok(checkRun(s.urls, repo, run, s.app));
  },

  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}": ({ s, repo, params }) => {
    const run = repo.checkRuns.find((c) => c.id === Number(params.check_run_id));
    return run ? ok(checkRun(s.urls, repo, run, s.app)) : notFound();
  },

  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations": ({ s, repo, params, query }) => {
    const run = repo.checkRuns.find((c) => c.id === Number(params.check_run_id));
    if (!run) return notFound();
    const perPage = Math.min(Number(query.get("per_page") ?? 30) || 30, 100);
    const page = Math.max(Number(query.get("page") ?? 1) || 1, 1);
    const all = (run.annotations ?? []).map((a) => annotation(s.urls, repo, run, a));
    return ok(all.slice((page - 1) * perPage, page * perPage));
  },

  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": ({ s, repo, params, query, headers }) => {
    const sha = s.resolveRef(repo, params.ref ?? "") ?? params.ref;
    const name = query.get("check_name");
    const status = query.get("status");
    const appId = query.get("app_id");
    const ownerOf = (c: CheckRun) => (c.owner === "github-actions" ? GITHUB_ACTIONS_APP.id : s.app.id);
    let runs = repo.checkRuns.filter(
      (c) =>
        c.headSha === sha &&
        (!name || c.name === name) &&
        (!status || c.status === status) &&
        (!appId || ownerOf(c) === Number(appId)),
    );
    if ((query.get("filter") ?? "latest") === "latest") {
      runs = runs.filter((c) => runs.every((o) => o.name !== c.name || o.id <= c.id));
    }
    const all = runs.sort((a, b) => b.id - a.id).map((c) => checkRun(s.urls, repo, c, s.app));
    const reply = paginate(
      all,
      query,
      `${repoUrls(s.urls, repo).api}/commits/${params.ref}/check-runs`,
      (page) => ({
        total_count: all.length,
        check_runs: page,
      }),
    );
    return conditional(reply, headers);
  },
};
