// Workflows' state (enable/disable, as the App turns its tick workflow on and off) and the lists the App's
// in-process clock reads: its installations and each installation's repositories (paginated as GitHub does).
import type { Handler, Reply } from "../core.js";
import { notFound, ok, paginate } from "../core.js";
import { example, rebase, repoUrls, user } from "../shapes.js";
import type { Standin } from "../standin.js";
import type { RepoState } from "../state.js";

/** GitHub's states of a workflow that Shipline uses (`disabled_manually` is what the disable endpoint sets). */
export type WorkflowState = "active" | "disabled_manually";

const states = new WeakMap<RepoState, Map<string, WorkflowState>>();

function stateMap(repo: RepoState): Map<string, WorkflowState> {
  const map = states.get(repo) ?? new Map<string, WorkflowState>();
  states.set(repo, map);
  return map;
}

/** A workflow file's state in a repository (a workflow starts active, as a pushed workflow file does on GitHub). */
export function workflowState(repo: RepoState, file: string): WorkflowState {
  return stateMap(repo).get(file) ?? "active";
}

/** The workflow file `workflow_id` names (a file name, or the numeric id GitHub gives it), if it exists. */
function workflowFile(s: Standin, repo: RepoState, workflowId: string): string | undefined {
  const files = [...s.workflows];
  const byId = /^\d+$/.test(workflowId) ? files[Number(workflowId) - 100] : undefined;
  if (byId) return byId;
  return s.workflows.has(workflowId) || repo.files.has(`.github/workflows/${workflowId}`)
    ? workflowId
    : undefined;
}

function workflowBody(s: Standin, repo: RepoState, file: string) {
  const r = repoUrls(s.urls, repo);
  const id = 100 + [...s.workflows].indexOf(file);
  return {
    ...example("workflow"),
    id,
    node_id: Buffer.from(`08:Workflow${id}`).toString("base64"),
    name: file.replace(/\.ya?ml$/, ""),
    path: `.github/workflows/${file}`,
    state: workflowState(repo, file),
    url: `${r.api}/actions/workflows/${id}`,
    html_url: `${r.html}/blob/${repo.defaultBranch}/.github/workflows/${file}`,
    badge_url: `${r.html}/workflows/${encodeURIComponent(file)}/badge.svg`,
  };
}

function setState(state: WorkflowState): Handler<Standin> {
  return ({ s, repo, params }): Reply => {
    const file = workflowFile(s, repo, params.workflow_id ?? "");
    if (!file) return notFound();
    stateMap(repo).set(file, state);
    return { status: 204 };
  };
}

export const workflowRoutes: Record<string, Handler<Standin>> = {
  "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}": ({ s, repo, params }) => {
    const file = workflowFile(s, repo, params.workflow_id ?? "");
    return file ? ok(workflowBody(s, repo, file)) : notFound();
  },
  "PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/enable": setState("active"),
  "PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable": setState("disabled_manually"),

  "GET /app/installations": ({ s, query }) => {
    // The example carries `client_id`, which the schema of this list does not declare.
    const { client_id: _undeclared, ...base } = example("installation");
    const repo = s.repo();
    const installations = [
      {
        ...base,
        id: s.installationId,
        // GitHub's description gives `account` as allOf [simple-user, enterprise]: it must carry both's keys.
        account: {
          ...user(s.urls, repo.owner),
          name: repo.owner.login,
          slug: repo.owner.login.toLowerCase(),
          created_at: "2020-01-01T00:00:00Z",
          updated_at: "2020-01-01T00:00:00Z",
        },
        app_id: s.app.id,
        app_slug: s.app.slug,
        target_id: repo.owner.id,
        access_tokens_url: `${s.urls.api}/app/installations/${s.installationId}/access_tokens`,
        repositories_url: `${s.urls.api}/installation/repositories`,
        suspended_at: null,
        suspended_by: null,
      },
    ];
    return paginate(installations, query, `${s.urls.api}/app/installations`);
  },

  "GET /installation/repositories": ({ s, query }) => {
    const base = example("repository-paginated") as { repositories: Record<string, unknown>[] };
    // Keys the example carries that the schema of this list does not declare.
    const {
      template_repository: _t,
      subscribers_count: _s,
      network_count: _n,
      ...template
    } = base.repositories[0] ?? {};
    const all = [...s.repos.values()].map((repo) => {
      const r = repoUrls(s.urls, repo);
      return {
        ...rebase(template, s.urls, String(template.full_name), r.fullName),
        id: repo.id,
        node_id: Buffer.from(`010:Repository${repo.id}`).toString("base64"),
        name: repo.name,
        full_name: r.fullName,
        owner: user(s.urls, repo.owner),
        private: repo.private,
        archived: false,
        default_branch: repo.defaultBranch,
      };
    });
    return paginate(all, query, `${s.urls.api}/installation/repositories`, (page) => ({
      total_count: all.length,
      repositories: page,
    }));
  },
};
