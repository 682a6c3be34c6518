// GitHub App authentication endpoints: the App reads itself, finds its installation, mints installation tokens.
import type { Handler } from "../core.js";
import { error, ok } from "../core.js";
import { example, integration, user } from "../shapes.js";
import type { Standin } from "../standin.js";

const permissions = {
  actions: "write",
  checks: "write",
  contents: "read",
  deployments: "write",
  issues: "write",
  metadata: "read",
  pull_requests: "write",
};

export const appRoutes: Record<string, Handler<Standin>> = {
  "GET /app": ({ s }) => ok(integration(s.urls, s.app)),

  "GET /repos/{owner}/{repo}/installation": ({ s, repo }) => {
    const base = example("installation");
    return ok({
      ...base,
      id: s.installationId,
      account: user(s.urls, repo.owner),
      repository_selection: "selected",
      access_tokens_url: `${s.urls.api}/app/installations/${s.installationId}/access_tokens`,
      repositories_url: `${s.urls.api}/installation/repositories`,
      html_url: `${s.urls.html}/organizations/${repo.owner.login}/settings/installations/${s.installationId}`,
      app_id: s.app.id,
      client_id: `Iv1.${s.app.id}`,
      target_id: repo.owner.id,
      target_type: repo.owner.type,
      permissions,
      events: [
        "check_run",
        "deployment",
        "deployment_protection_rule",
        "deployment_status",
        "issue_comment",
        "release",
      ],
      app_slug: s.app.slug,
      single_file_name: null,
      single_file_paths: [],
      has_multiple_single_files: false,
      suspended_at: null,
      suspended_by: null,
    });
  },

  "POST /app/installations/{installation_id}/access_tokens": ({ s, params }) => {
    if (Number(params.installation_id) !== s.installationId) return error(404, "Not Found");
    const token = s.issueToken(s.appBot);
    return ok(
      {
        token,
        expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions,
        repository_selection: "selected",
      },
      201,
    );
  },
};
