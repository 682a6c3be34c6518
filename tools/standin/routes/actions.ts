// Workflow dispatches, workflow runs, and the custom deployment protection rule review.
import type { Handler } from "../core.js";
import { conditional, error, notFound, ok, str, validationFailed } from "../core.js";
import { isObject } from "../openapi/spec.js";
import { repoUrls, workflowRun } from "../shapes.js";
import type { Standin } from "../standin.js";

export const actionRoutes: Record<string, Handler<Standin>> = {
  "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches": ({ s, repo, params, body }) => {
    const workflow = params.workflow_id ?? "";
    if (!s.workflows.has(workflow) && !repo.files.has(`.github/workflows/${workflow}`)) return notFound();
    const ref = str(body, "ref") ?? "";
    const sha = s.resolveRef(repo, ref);
    if (!sha) return validationFailed(`No ref found for: ${ref}`);
    const inputs: Record<string, string> = {};
    if (isObject(body?.inputs)) {
      for (const [k, v] of Object.entries(body.inputs))
        inputs[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const run = s.createRun(repo, workflow, ref, sha, inputs);
    const returnRunDetails = body?.return_run_details === true;
    repo.dispatches.push({ workflowId: workflow, ref, inputs, returnRunDetails, runId: run.id });
    // The run starts after GitHub has answered the dispatch.
    setImmediate(() => void s.track(s.execute(repo, run)));
    if (!returnRunDetails) return { status: 204 };
    const r = repoUrls(s.urls, repo);
    return ok({
      workflow_run_id: run.id,
      run_url: `${r.api}/actions/runs/${run.id}`,
      html_url: `${r.html}/actions/runs/${run.id}`,
    });
  },

  "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs": ({ s, repo, params, query, headers }) => {
    const headSha = query.get("head_sha");
    const event = query.get("event");
    const status = query.get("status");
    const runs = repo.runs
      .filter((r) => r.workflowFile === params.workflow_id)
      .filter((r) => !headSha || r.sha === headSha)
      .filter((r) => !status || r.status === status)
      .filter(() => !event || event === "workflow_dispatch")
      .slice()
      .reverse();
    return conditional(
      ok({ total_count: runs.length, workflow_runs: runs.map((r) => workflowRun(s.urls, repo, r)) }),
      headers,
    );
  },

  "GET /repos/{owner}/{repo}/actions/runs/{run_id}": ({ s, repo, params }) => {
    const run = repo.runs.find((r) => r.id === Number(params.run_id));
    return run ? ok(workflowRun(s.urls, repo, run)) : notFound();
  },

  "POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule": ({
    s,
    repo,
    params,
    body,
    actor,
  }) => {
    const runId = Number(params.run_id);
    const environment = str(body, "environment_name") ?? "";
    const state = str(body, "state");
    const comment = str(body, "comment") ?? null;
    if (!repo.runs.some((r) => r.id === runId)) return notFound();
    if (actor.type !== "Bot" || actor.login !== s.appBot.login) {
      return error(403, "Only the GitHub App of the protection rule may review it");
    }
    repo.reviews.push({
      runId,
      environment,
      state: state === "approved" || state === "rejected" ? state : null,
      comment,
    });
    if (state === "approved" || state === "rejected") {
      if (!s.isWaitingForReview(runId))
        return validationFailed("No pending deployment protection rule for this run");
      s.review(runId, state);
    }
    return { status: 204 };
  },
};
