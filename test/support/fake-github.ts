// A small in-memory GitHub behind nock, for the App's handler tests: it keeps check runs, refs and
// dispatches as state, so a test can drive several events and assert what a user would see.
import nock from "nock";
import { runName } from "../../src/pipeline/identity.js";

export interface FakeCheck {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  output: { title: string; summary: string };
  started_at: string;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  environment: string;
  statuses: string[];
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeGitHub {
  files: Map<string, string>; // "<owner>/<repo>@<ref>:<path>" or "<owner>/<repo>:<path>" (any ref)
  tags: Map<string, string>; // tag -> commit sha
  checks: FakeCheck[];
  refs: Map<string, string>;
  /** Artifact attestations' Sigstore bundles by subject sha256 (hex): GET /attestations/sha256:{hex}. */
  attestations: Map<string, unknown[]>;
  /** Release asset bytes by asset id (default: a SHA256SUMS listing app-1.2.0.tar.gz). */
  assetTexts: Map<number, string>;
  /** Environment variables by "<environment>:<name>" (locks). */
  variables: Map<string, string>;
  dispatches: { workflow: string; ref: string; inputs: Record<string, string> }[];
  deployments: FakeDeployment[];
  calls: Call[];
  /** Workflow runs by id: what GET /actions/runs/{id} answers. */
  runs: Map<number, { display_title: string; triggering_actor: string }>;
  /** Runs GitHub lists as `in_progress` (other deploy jobs running right now). */
  activeRuns: { id: number; display_title: string }[];
  /** Answers to deployment protection rule requests. */
  reviews: { runId: number; environment_name: string; state: string; comment: string }[];
  /** Environments' protection rules (GET /environments/{name}). */
  environments: Map<string, { reviewers: number; preventSelfReview: boolean }>;
  /** Make the next dispatch fail with this status. */
  failDispatch?: number;
  check(name: string): FakeCheck | undefined;
}

export const API = "https://api.github.com";

/** nock 15 hands reply functions the fetch Request. */
async function read(req: Request): Promise<{ uri: string; body: unknown }> {
  const url = new URL(req.url);
  const text = await req.text();
  return { uri: url.pathname + url.search, body: text ? JSON.parse(text) : undefined };
}

/** The fake of the running test, so payload helpers can name the run it dispatched (as GitHub's events do). */
let current: FakeGitHub | undefined;

/** The workflow run the fake started for the newest dispatch of `stage` in `mode` (9001 for the first). */
export function dispatchedRunId(stage: string, mode = "rollout"): number | undefined {
  const i =
    current?.dispatches.findLastIndex((d) => d.inputs.stage === stage && d.inputs.mode === mode) ?? -1;
  return i < 0 ? undefined : 9001 + i;
}

export function fakeGitHub(owner = "Codertocat", repo = "Hello-World"): FakeGitHub {
  const base = `/repos/${owner}/${repo}`;
  const state: FakeGitHub = {
    files: new Map(),
    tags: new Map(),
    checks: [],
    refs: new Map(),
    variables: new Map(),
    assetTexts: new Map(),
    attestations: new Map(),
    dispatches: [],
    deployments: [],
    calls: [],
    runs: new Map(),
    activeRuns: [],
    reviews: [],
    environments: new Map(),
    check(name) {
      return state.checks.filter((c) => c.name === name).sort((a, b) => b.id - a.id)[0];
    },
  };
  let nextId = 1000;
  current = state;
  const scope = nock(API).persist();
  const record = (method: string, uri: string, body: unknown) =>
    state.calls.push({ method, path: uri.split("?")[0]!, body });

  scope
    .post(/^\/app\/installations\/\d+\/access_tokens$/)
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} });

  scope.get(/^\/repos\/[^/]+\/[^/]+\/contents\/.+/).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const url = new URL(uri, API);
    const [, , o, r, , ...rest] = url.pathname.split("/");
    const path = decodeURIComponent(rest.join("/"));
    const ref = url.searchParams.get("ref");
    const text = state.files.get(`${o}/${r}@${ref}:${path}`) ?? state.files.get(`${o}/${r}:${path}`);
    if (text === undefined) return [404, { message: "Not Found" }];
    return [
      200,
      {
        type: "file",
        size: text.length,
        name: path.split("/").pop(),
        path,
        encoding: "base64",
        content: Buffer.from(text).toString("base64"),
      },
    ];
  });

  scope.get(new RegExp(`^${base}/git/ref/tags(/|%2F)(.+)$`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const tag = decodeURIComponent(uri.slice(`${base}/git/ref/`.length)).slice("tags/".length);
    const sha = state.tags.get(tag);
    return sha
      ? [200, { ref: `refs/tags/${tag}`, object: { type: "commit", sha } }]
      : [404, { message: "Not Found" }];
  });

  scope.get(new RegExp(`^${base}/commits/([0-9a-f]{40})/check-runs`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const sha = uri.split("/commits/")[1]!.split("/")[0];
    const runs = state.checks.filter((c) => c.head_sha === sha);
    return [200, { total_count: runs.length, check_runs: runs }];
  });

  scope.post(`${base}/check-runs`).reply(async (req: Request) => {
    const { uri, body } = await read(req);
    record("POST", uri, body);
    const b = body as Record<string, unknown> & { output: { title: string; summary: string } };
    const check: FakeCheck = {
      id: nextId++,
      head_sha: String(b.head_sha),
      name: String(b.name),
      status: String(b.status ?? "queued"),
      conclusion: (b.conclusion as string) ?? null,
      details_url: (b.details_url as string) ?? null,
      output: b.output,
      started_at: new Date().toISOString(),
      ...(b.actions ? { actions: b.actions } : {}),
    };
    state.checks.push(check);
    return [201, check];
  });

  scope.patch(new RegExp(`^${base}/check-runs/(\\d+)$`)).reply(async (req: Request) => {
    const { uri, body } = await read(req);
    record("PATCH", uri, body);
    const check = state.checks.find((c) => c.id === Number(uri.split("/").pop()));
    if (!check) return [404, { message: "Not Found" }];
    const b = body as Partial<FakeCheck>;
    Object.assign(check, { ...b, ...(b.conclusion ? {} : { conclusion: check.conclusion }) });
    return [200, check];
  });

  scope.post(`${base}/git/refs`).reply(async (req: Request) => {
    const { uri, body } = await read(req);
    record("POST", uri, body);
    const { ref, sha } = body as { ref: string; sha: string };
    if (state.refs.has(ref)) return [422, { message: "Reference already exists" }];
    state.refs.set(ref, sha);
    return [201, { ref, object: { type: "commit", sha } }];
  });

  // Artifact attestations by subject digest; 404 when there are none, as GitHub answers.
  scope.get(new RegExp(`^${base}/attestations/sha256(:|%3A)([0-9a-f]{64})`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const sha = /sha256(?::|%3A)([0-9a-f]{64})/i.exec(uri)![1]!;
    const bundles = state.attestations.get(sha) ?? [];
    if (bundles.length === 0) return [404, { message: "Not Found" }];
    return [200, { attestations: bundles.map((bundle) => ({ bundle, repository_id: 1296269 })) }];
  });

  // Release assets' bytes (the App reads the checksum file at publish): GitHub answers a redirect to storage.
  scope.get(new RegExp(`^${base}/releases/assets/(\\d+)$`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    return [302, "", { location: `https://objects.example.test/assets/${uri.split("/").pop()}` }];
  });
  nock("https://objects.example.test")
    .persist()
    .get(/^\/assets\/(\d+)$/)
    .reply((req: Request) => {
      const id = Number(new URL(req.url).pathname.split("/").pop());
      return [200, state.assetTexts.get(id) ?? `${"0".repeat(64)}  app-1.2.0.tar.gz\n`];
    });

  scope.get(new RegExp(`^${base}/git/matching-refs/(.+)$`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const prefix = `refs/${decodeURIComponent(new URL(uri, API).pathname.slice(`${base}/git/matching-refs/`.length))}`;
    return [
      200,
      [...state.refs.entries()]
        .filter(([ref]) => ref.startsWith(prefix))
        .map(([ref, sha]) => ({ ref, node_id: "x", url: "", object: { type: "commit", sha, url: "" } })),
    ];
  });

  scope.delete(new RegExp(`^${base}/git/refs/(.+)$`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("DELETE", uri, undefined);
    const ref = `refs/${decodeURIComponent(uri.slice(`${base}/git/refs/`.length))}`;
    return state.refs.delete(ref) ? [204] : [422, { message: "Reference does not exist" }];
  });

  scope.post(new RegExp(`^${base}/actions/workflows/([^/]+)/dispatches$`)).reply(async (req: Request) => {
    const { uri, body } = await read(req);
    record("POST", uri, body);
    if (state.failDispatch) {
      const status = state.failDispatch;
      state.failDispatch = undefined;
      return [
        status,
        { message: status === 404 ? "Not Found" : "Workflow does not have 'workflow_dispatch' trigger" },
      ];
    }
    const workflow = decodeURIComponent(uri.split("/workflows/")[1]!.split("/")[0]!);
    const b = body as { ref: string; inputs: Record<string, string> };
    state.dispatches.push({ workflow, ref: b.ref, inputs: b.inputs });
    const runId = 9000 + state.dispatches.length;
    return [
      200,
      {
        workflow_run_id: runId,
        run_url: `${API}${base}/actions/runs/${runId}`,
        html_url: `https://github.com/${owner}/${repo}/actions/runs/${runId}`,
      },
    ];
  });

  scope.get(new RegExp(`^${base}/actions/workflows/([^/]+)/runs`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const query = new URL(uri, API).searchParams;
    if (query.get("status") === "in_progress") {
      const runs = state.activeRuns.map((r) => ({
        ...r,
        html_url: `https://github.com/${owner}/${repo}/actions/runs/${r.id}`,
      }));
      return [200, { total_count: runs.length, workflow_runs: runs }];
    }
    const headSha = query.get("head_sha");
    const runs = state.dispatches
      .map((d, i) => ({ d, id: 9001 + i }))
      .filter(({ d }) => !headSha || state.tags.get(d.ref) === headSha)
      .map(({ d, id }) => ({
        id,
        display_title: runName(d.inputs as never),
        html_url: `https://github.com/${owner}/${repo}/actions/runs/${id}`,
        head_sha: headSha,
      }));
    return [200, { total_count: runs.length, workflow_runs: runs }];
  });

  scope.get(new RegExp(`^${base}/deployments\\?`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const env = new URL(uri, API).searchParams.get("environment");
    const list = state.deployments.filter((d) => !env || d.environment === env).sort((a, b) => b.id - a.id);
    return [
      200,
      list.map((d) => ({
        id: d.id,
        ref: d.ref,
        environment: d.environment,
        sha: "0".repeat(40),
        task: "deploy",
      })),
    ];
  });

  scope.get(new RegExp(`^${base}/deployments/(\\d+)/statuses`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const d = state.deployments.find((x) => x.id === Number(uri.split("/deployments/")[1]!.split("/")[0]));
    // As GitHub does: once a newer deployment of the environment succeeded, a live one reads `inactive`.
    const superseded =
      d?.statuses.at(-1) === "success" &&
      state.deployments.some(
        (o) => o.environment === d.environment && o.id > d.id && o.statuses.includes("success"),
      );
    return [
      200,
      [...(d?.statuses ?? []), ...(superseded ? ["inactive"] : [])]
        .reverse()
        .map((s, i) => ({ id: i + 1, state: s })),
    ];
  });

  scope.get(new RegExp(`^${base}/actions/runs/(\\d+)$`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const id = Number(uri.split("/").pop());
    const run = state.runs.get(id);
    if (!run) return [404, { message: "Not Found" }];
    return [
      200,
      {
        id,
        display_title: run.display_title,
        html_url: `https://github.com/${owner}/${repo}/actions/runs/${id}`,
        triggering_actor: { login: run.triggering_actor, type: "User" },
        actor: { login: run.triggering_actor },
      },
    ];
  });

  scope
    .post(new RegExp(`^${base}/actions/runs/(\\d+)/deployment_protection_rule$`))
    .reply(async (req: Request) => {
      const { uri, body } = await read(req);
      record("POST", uri, body);
      const b = body as { environment_name: string; state: string; comment: string };
      state.reviews.push({ runId: Number(uri.split("/runs/")[1]!.split("/")[0]), ...b });
      return [204];
    });

  // Environment variables: where Shipline keeps locks (SHIPLINE_LOCK).
  scope.get(new RegExp(`^${base}/environments/([^/]+)/variables/([^/]+)$`)).reply(async (req: Request) => {
    const { uri: path } = await read(req);
    const [env, , name] = path.split("/environments/")[1]!.split("/");
    const value = state.variables.get(`${env}:${name}`);
    return value === undefined
      ? [404, { message: "Not Found" }]
      : [200, { name, value, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z" }];
  });
  scope.get(new RegExp(`^${base}/environments/([^/]+)/variables(\\?.*)?$`)).reply(async (req: Request) => {
    const { uri: path } = await read(req);
    const env = path.split("/environments/")[1]!.split("/")[0];
    const variables = [...state.variables.entries()]
      .filter(([key]) => key.startsWith(`${env}:`))
      .map(([key, value]) => ({
        name: key.slice(`${env}:`.length),
        value,
        created_at: "2026-01-01T00:00:00Z",
        updated_at: "2026-01-01T00:00:00Z",
      }));
    return [200, { total_count: variables.length, variables }];
  });
  scope.post(new RegExp(`^${base}/environments/([^/]+)/variables$`)).reply(async (req: Request) => {
    const { uri: path, body } = await read(req);
    const env = path.split("/environments/")[1]!.split("/")[0];
    const { name, value } = body as { name: string; value: string };
    if (state.variables.has(`${env}:${name}`)) return [409, { message: "Already exists" }];
    state.variables.set(`${env}:${name}`, value);
    return [201, {}];
  });
  scope.delete(new RegExp(`^${base}/environments/([^/]+)/variables/([^/]+)$`)).reply(async (req: Request) => {
    const { uri: path } = await read(req);
    const [env, , name] = path.split("/environments/")[1]!.split("/");
    return state.variables.delete(`${env}:${name}`) ? [204] : [404, { message: "Not Found" }];
  });
  scope.get(new RegExp(`^${base}/environments/([^/]+)$`)).reply(async (req: Request) => {
    const { uri } = await read(req);
    record("GET", uri, undefined);
    const name = decodeURIComponent(uri.split("/environments/")[1]!);
    const env = state.environments.get(name);
    if (!env) return [404, { message: "Not Found" }];
    const rules = env.reviewers
      ? [
          {
            id: 1,
            node_id: "x",
            type: "required_reviewers",
            prevent_self_review: env.preventSelfReview,
            reviewers: Array.from({ length: env.reviewers }, (_, i) => ({
              type: "User",
              reviewer: { login: `reviewer${i}` },
            })),
          },
        ]
      : [];
    return [
      200,
      {
        id: 1,
        node_id: "x",
        name,
        url: "",
        html_url: "",
        created_at: "",
        updated_at: "",
        protection_rules: rules,
      },
    ];
  });

  return state;
}
