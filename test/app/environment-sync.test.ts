import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import { API, type FakeGitHub, fakeGitHub } from "../support/fake-github.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { APP_ID, testProbot } from "../support/probot.js";
import { pushedRepository, pushPayload } from "../support/push.js";

const CONFIG = `
workflow: shipline.yml
tags: "v*"
stages:
  - { name: staging }
  - { name: production, approvers: [alice, "@Codertocat/sre"] }
gates:
  environments:
    sync: true
    wait-timer: { production: 5 }
`;

interface Env {
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: { type: string; id: number }[];
  policy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  tagPolicies: string[];
  rules: number[];
}

const USERS: Record<string, number> = { alice: 101 };
const TEAMS: Record<string, number> = { sre: 201 };

/**
 * GitHub's environment endpoints, kept in memory: what the sync reads and writes. Registered before the
 * shared fake, so its routes win over the fake's read-only GET /environments/{name}.
 */
function fakeEnvironments(owner: string, repo: string) {
  const base = `/repos/${owner}/${repo}/environments`;
  const state = {
    envs: new Map<string, Env>(),
    writes: [] as { method: string; path: string; body: unknown }[],
    /** Answer 422 to a PUT that sets reviewers, as GitHub does for private repositories without Enterprise. */
    refuseReviewers: false,
    /** Environments whose PUT answers 403, as for an installation without the Administration permission. */
    forbidden: new Set<string>(),
  };
  const scope = nock(API).persist();
  const envName = (uri: string) =>
    decodeURIComponent(
      uri
        .slice(base.length + 1)
        .split("/")[0]!
        .split("?")[0]!,
    );
  const body = async (req: Request) => {
    const text = await req.text();
    return text ? JSON.parse(text) : undefined;
  };
  const uriOf = (req: Request) => new URL(req.url).pathname;

  scope.get(new RegExp(`^${base}/[^/]+$`)).reply((req: Request) => {
    const name = envName(uriOf(req));
    const env = state.envs.get(name);
    if (!env) return [404, { message: "Not Found" }];
    const rules: unknown[] = [];
    if (env.waitTimer) rules.push({ id: 1, node_id: "w", type: "wait_timer", wait_timer: env.waitTimer });
    if (env.reviewers.length)
      rules.push({
        id: 2,
        node_id: "r",
        type: "required_reviewers",
        prevent_self_review: env.preventSelfReview,
        reviewers: env.reviewers.map((r) => ({
          type: r.type,
          reviewer:
            r.type === "Team"
              ? { id: r.id, slug: Object.keys(TEAMS).find((k) => TEAMS[k] === r.id) }
              : { id: r.id, login: Object.keys(USERS).find((k) => USERS[k] === r.id) },
        })),
      });
    return [
      200,
      { id: 1, node_id: "e", name, protection_rules: rules, deployment_branch_policy: env.policy },
    ];
  });

  scope.put(new RegExp(`^${base}/[^/]+$`)).reply(async (req: Request) => {
    const name = envName(uriOf(req));
    const b = (await body(req)) ?? {};
    state.writes.push({ method: "PUT", path: uriOf(req), body: b });
    if (state.forbidden.has(name)) return [403, { message: "Resource not accessible by integration" }];
    if (state.refuseReviewers && b.reviewers?.length)
      return [422, { message: "Failed to create the environment protection rule." }];
    const env = state.envs.get(name) ?? {
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: [],
      policy: null,
      tagPolicies: [],
      rules: [],
    };
    env.waitTimer = b.wait_timer ?? env.waitTimer;
    if (b.reviewers) env.reviewers = b.reviewers;
    if (b.prevent_self_review !== undefined) env.preventSelfReview = b.prevent_self_review;
    if ("deployment_branch_policy" in b) env.policy = b.deployment_branch_policy;
    state.envs.set(name, env);
    return [200, { id: 1, node_id: "e", name }];
  });

  scope.get(new RegExp(`^${base}/[^/]+/deployment-branch-policies`)).reply((req: Request) => {
    const env = state.envs.get(envName(uriOf(req)));
    if (!env) return [404, { message: "Not Found" }];
    const list = env.tagPolicies.map((name, i) => ({ id: i + 1, node_id: "p", name, type: "tag" }));
    return [200, { total_count: list.length, branch_policies: list }];
  });

  scope.post(new RegExp(`^${base}/[^/]+/deployment-branch-policies$`)).reply(async (req: Request) => {
    const b = await body(req);
    state.writes.push({ method: "POST", path: uriOf(req), body: b });
    const env = state.envs.get(envName(uriOf(req)));
    if (!env?.policy?.custom_branch_policies) return [404, { message: "Not Found" }];
    env.tagPolicies.push(b.name);
    return [200, { id: env.tagPolicies.length, node_id: "p", name: b.name, type: b.type }];
  });

  scope.get(new RegExp(`^${base}/[^/]+/deployment_protection_rules$`)).reply((req: Request) => {
    const env = state.envs.get(envName(uriOf(req)));
    if (!env) return [404, { message: "Not Found" }];
    const rules = env.rules.map((id, i) => ({
      id: i + 1,
      node_id: "d",
      enabled: true,
      app: { id, node_id: "a", slug: id === APP_ID ? "shipline" : "other", integration_url: "" },
    }));
    return [200, { total_count: rules.length, custom_deployment_protection_rules: rules }];
  });

  scope.post(new RegExp(`^${base}/[^/]+/deployment_protection_rules$`)).reply(async (req: Request) => {
    const b = await body(req);
    state.writes.push({ method: "POST", path: uriOf(req), body: b });
    const env = state.envs.get(envName(uriOf(req)));
    if (!env) return [404, { message: "Not Found" }];
    env.rules.push(b.integration_id);
    return [201, { id: env.rules.length, node_id: "d", enabled: true, app: { id: b.integration_id } }];
  });

  scope.get(/^\/users\/[^/]+$/).reply((req: Request) => {
    const login = uriOf(req).split("/").pop()!;
    const id = USERS[login];
    return id ? [200, { login, id, type: "User" }] : [404, { message: "Not Found" }];
  });

  scope.get(/^\/orgs\/[^/]+\/teams\/[^/]+$/).reply((req: Request) => {
    const slug = uriOf(req).split("/").pop()!;
    const id = TEAMS[slug];
    return id ? [200, { id, slug, name: slug }] : [404, { message: "Not Found" }];
  });

  return state;
}

describe("environment sync on a push to the default branch", () => {
  expectValidGitHubTraffic();
  let gh: FakeGitHub;
  let envs: ReturnType<typeof fakeEnvironments>;
  const sha = "e".repeat(40);

  function push(opts: { branch?: string; files?: string[] } = {}) {
    const payload = pushPayload(sha, opts.files ?? [".github/shipline.yml"]);
    payload.ref = `refs/heads/${opts.branch ?? payload.repository.default_branch}`;
    return payload;
  }
  const { owner, repo } = pushedRepository(push());

  async function sync(payload = push(), id = "1") {
    await testProbot().receive({ id, name: "push", payload: payload as never });
  }

  const envCheck = () => gh.check("shipline / environments");

  beforeEach(() => {
    envs = fakeEnvironments(owner, repo);
    gh = fakeGitHub(owner, repo);
    gh.files.set(`${owner}/${repo}@${sha}:.github/shipline.yml`, CONFIG);
  });

  it("creates the environments with reviewers, prevent self-review, wait timer, tag policy and Shipline's rule, and reports it", async () => {
    await sync();

    expect(envs.envs.get("production")).toEqual({
      waitTimer: 5,
      preventSelfReview: true,
      reviewers: [
        { type: "User", id: 101 },
        { type: "Team", id: 201 },
      ],
      policy: { protected_branches: false, custom_branch_policies: true },
      tagPolicies: ["v*"],
      rules: [APP_ID],
    });
    // staging is not production: no reviewers, but the same tag policy and protection rule.
    expect(envs.envs.get("staging")).toMatchObject({
      reviewers: [],
      tagPolicies: ["v*"],
      rules: [APP_ID],
      policy: { custom_branch_policies: true },
    });
    const check = envCheck();
    expect(check).toMatchObject({ head_sha: sha, status: "completed", conclusion: "success" });
    expect(check!.output.title).toBe("Environments: 7 changes applied");
    expect(check!.output.summary).toContain(
      "- `production`: created the environment, deploys limited to selected tags: wait timer set to 5 minutes (was 0 minutes)",
    );
    expect(check!.output.summary).toContain(
      "- `production`: required reviewers @alice, @Codertocat/sre with prevent self-review",
    );
    expect(check!.output.summary).toContain("- `staging`: added tag policy `v*`");
    expect(check!.output.summary).toContain("- `production`: enabled Shipline's protection rule (its gates)");
    expect(check!.output.summary).not.toContain("Could not change");
  });

  it("reports 'already as configured' on a second sync, and writes nothing", async () => {
    await sync();
    envs.writes.length = 0;
    gh.checks.length = 0;

    await sync(push(), "2");

    expect(envs.writes).toEqual([]);
    const check = envCheck();
    expect(check).toMatchObject({
      conclusion: "success",
      output: { title: "Environments already as configured" },
    });
    expect(check!.output.summary).toContain(
      "- `production`: wait timer 5 minutes; required reviewers @alice, @Codertocat/sre with prevent self-review; only tags matching `v*` may deploy; Shipline's protection rule enabled",
    );
  });

  it("updates an existing environment, keeping what the config does not mention", async () => {
    envs.envs.set("production", {
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: [{ type: "User", id: 101 }],
      policy: { protected_branches: true, custom_branch_policies: false },
      tagPolicies: [],
      rules: [777],
    });
    gh.files.set(
      `${owner}/${repo}@${sha}:.github/shipline.yml`,
      CONFIG.replace("sync: true", 'sync: true\n    tag-pattern: "release-*"'),
    );
    await sync();

    expect(envs.envs.get("production")).toEqual({
      waitTimer: 5,
      preventSelfReview: true,
      reviewers: [
        { type: "User", id: 101 },
        { type: "Team", id: 201 },
      ],
      policy: { protected_branches: false, custom_branch_policies: true },
      tagPolicies: ["release-*"],
      rules: [777, APP_ID],
    });
    const summary = envCheck()!.output.summary;
    expect(summary).toContain(
      "- `production`: wait timer set to 5 minutes (was 0 minutes); deploys limited to selected tags (was: protected branches)",
    );
    expect(summary).toContain(
      "- `production`: required reviewers @alice, @Codertocat/sre with prevent self-review (were @alice)",
    );
  });

  it("explains a 422 on required reviewers (no Enterprise) and still applies the rest", async () => {
    envs.refuseReviewers = true;
    await sync();

    expect(envs.envs.get("production")).toMatchObject({
      waitTimer: 5,
      reviewers: [],
      tagPolicies: ["v*"],
      rules: [APP_ID],
    });
    const check = envCheck();
    expect(check).toMatchObject({ conclusion: "neutral" });
    expect(check!.output.title).toBe("Environments: 6 changed, 1 could not be changed");
    expect(check!.output.summary).toContain(
      "- `production`: required reviewers @alice, @Codertocat/sre with prevent self-review: **required reviewers need GitHub Enterprise on private repositories: Shipline's own /approve enforces four-eyes instead.**",
    );
  });

  it("explains a 403 (no Administration permission) for each environment without failing the sync", async () => {
    envs.forbidden.add("staging");
    await sync();

    expect(envs.envs.has("staging")).toBe(false);
    expect(envs.envs.get("production")).toMatchObject({ tagPolicies: ["v*"], rules: [APP_ID] });
    const summary = envCheck()!.output.summary;
    expect(summary).toContain(
      "- `staging`: created the environment, deploys limited to selected tags: **the App lacks the Administration permission",
    );
    expect(summary).toContain(
      "- `staging`: added tag policy `v*`: **skipped: the environment could not be created**",
    );
  });

  it("does nothing when `sync` is false", async () => {
    gh.files.set(`${owner}/${repo}@${sha}:.github/shipline.yml`, CONFIG.replace("sync: true", "sync: false"));
    await sync();
    expect(envs.writes).toEqual([]);
    expect(envCheck()).toBeUndefined();
    expect(gh.calls.some((c) => c.path.includes("/environments/"))).toBe(false);
  });

  it("does nothing on a push to another branch", async () => {
    await sync(push({ branch: "feature/envs" }));
    expect(envs.writes).toEqual([]);
    expect(envCheck()).toBeUndefined();
    // the config check still runs on any branch; the sync does not
    expect(gh.check("shipline / config")).toBeDefined();
  });
});
