// Deployments and deployment statuses. Creating either delivers the webhook GitHub would send.
import type { Handler } from "../core.js";
import { notFound, ok, paginate, str, validationFailed } from "../core.js";
import { isObject } from "../openapi/spec.js";
import { deploymentPayload, deploymentStatusPayload } from "../payloads.js";
import { deployment, deploymentStatus, repoUrls } from "../shapes.js";
import type { Standin } from "../standin.js";

export const deploymentRoutes: Record<string, Handler<Standin>> = {
  "GET /repos/{owner}/{repo}/deployments": ({ s, repo, query }) => {
    const f = (k: string) => query.get(k);
    const list = repo.deployments.filter(
      (d) =>
        (!f("sha") || d.sha === f("sha")) &&
        (!f("ref") || d.ref === f("ref")) &&
        (!f("task") || d.task === f("task")) &&
        (!f("environment") || d.environment === f("environment")),
    );
    return paginate(
      list.map((d) => deployment(s.urls, repo, d)),
      query,
      `${repoUrls(s.urls, repo).api}/deployments`,
    );
  },

  "POST /repos/{owner}/{repo}/deployments": async ({ s, repo, body, actor }) => {
    const ref = str(body, "ref") ?? "";
    const sha = s.resolveRef(repo, ref);
    if (!sha) return validationFailed(`No ref found for: ${ref}`);
    const environment = str(body, "environment") ?? "production";
    const payload = body?.payload;
    const d = s.createDeployment(repo, {
      sha,
      ref,
      task: str(body, "task") ?? "deploy",
      payload: isObject(payload) ? payload : typeof payload === "string" ? payload : {},
      environment,
      description: str(body, "description") ?? null,
      creator: actor,
      transient: body?.transient_environment === true,
      production: body?.production_environment === true || environment === "production",
      runId: null,
    });
    void s.track(s.deliver("deployment", deploymentPayload(s.payloadContext(repo), d, undefined)));
    return ok(deployment(s.urls, repo, d), 201);
  },

  "GET /repos/{owner}/{repo}/deployments/{deployment_id}": ({ s, repo, params }) => {
    const d = repo.deployments.find((x) => x.id === Number(params.deployment_id));
    return d ? ok(deployment(s.urls, repo, d)) : notFound();
  },

  "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": ({ s, repo, params, query }) => {
    const d = repo.deployments.find((x) => x.id === Number(params.deployment_id));
    if (!d) return notFound();
    return paginate(
      d.statuses.map((x) => deploymentStatus(s.urls, repo, d, x)),
      query,
      `${repoUrls(s.urls, repo).api}/deployments/${d.id}/statuses`,
    );
  },

  "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": ({ s, repo, params, body, actor }) => {
    const d = repo.deployments.find((x) => x.id === Number(params.deployment_id));
    if (!d) return notFound();
    const status = s.addStatus(d, {
      state: str(body, "state") ?? "",
      description: str(body, "description") ?? "",
      environment: str(body, "environment") ?? d.environment,
      environmentUrl: str(body, "environment_url") ?? "",
      logUrl: str(body, "log_url") ?? str(body, "target_url") ?? "",
      creator: actor,
    });
    const run = d.runId === null ? undefined : repo.runs.find((r) => r.id === d.runId);
    void s.track(
      s.deliver("deployment_status", deploymentStatusPayload(s.payloadContext(repo), d, status, run)),
    );
    return ok(deploymentStatus(s.urls, repo, d, status), 201);
  },
};
