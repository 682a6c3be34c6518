// The CLI's GitHub commands against nock: status, watch, and promote/approve through the App (a comment with the
// caller's token, then the App's answer), plus where the repository, token and host come from and what the user
// reads when GitHub cannot be reached, refuses the token, or the tag does not exist.
import nock from "nock";
import { describe, expect, it } from "vitest";
import { makeAuditCommand } from "../../src/cli/commands/audit.js";
import { remoteCommands } from "../../src/cli/commands/remote.js";
import { makeStatusCommand, makeWatchCommand } from "../../src/cli/commands/status.js";
import type { Command } from "../../src/cli/commands/types.js";
import { type CliEnv, repoFromRemote, resolveApiUrl } from "../../src/cli/github.js";
import { runCli } from "../../src/cli/run.js";
import { freePort } from "../../tools/e2e/app.js";
import { runCliCaptured } from "../support/cli.js";

const API = "https://api.github.com";
const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
const CONFIG = `targets: { staging: [stg-1], production: [web-1, web-2] }
driver: { type: directory, path: "/srv/{target}" }
stages:
  - { name: staging, targets: [staging] }
  - { name: canary, environment: production, targets: [production], percent: 50 }
  - { name: production, targets: [production], approvals: 1 }
`;

function deps(
  env: Record<string, string> = { GITHUB_TOKEN: "ghp_test" },
  extra: Partial<CliEnv> = {},
): CliEnv {
  return { env, exec: () => undefined, sleep: async () => {}, ...extra };
}

const cli = (commands: Command[], argv: string[]) => runCliCaptured(argv, { commands });

const run = (id: number, name: string, status: string, conclusion: string | null, title: string) => ({
  id,
  name,
  status,
  conclusion,
  head_sha: SHA,
  html_url: `https://github.com/acme/web/runs/${id}`,
  details_url: `https://github.com/acme/web/runs/${id}`,
  app: { id: 1234, slug: "shipline" },
  output: { title, summary: "" },
});

function releaseScope(runs: object[], times = 1) {
  return nock(API)
    .get("/repos/acme/web/releases/tags/v1.2.0")
    .times(times)
    .reply(200, { id: 1, tag_name: "v1.2.0", html_url: "https://github.com/acme/web/releases/tag/v1.2.0" })
    .get("/repos/acme/web/git/ref/tags%2Fv1.2.0")
    .times(times)
    .reply(200, { ref: "refs/tags/v1.2.0", object: { type: "commit", sha: SHA } })
    .get(`/repos/acme/web/commits/${SHA}/check-runs`)
    .query({ filter: "all", per_page: "100" })
    .times(times)
    .reply(200, { total_count: runs.length, check_runs: runs })
    .get("/repos/acme/web/contents/.github%2Fshipline.yml")
    .query({ ref: "v1.2.0" })
    .times(times)
    .reply(200, {
      type: "file",
      encoding: "base64",
      size: CONFIG.length,
      content: Buffer.from(CONFIG).toString("base64"),
    });
}

describe("shipline status", () => {
  it("shows every stage of a release and what each waits for, as text and as --json", async () => {
    const runs = [
      run(10, "shipline", "in_progress", null, "Deploying v1.2.0: canary"),
      run(11, "shipline / staging", "completed", "success", "Deployed v1.2.0 to staging"),
      run(12, "shipline / canary", "in_progress", null, "Waiting for 1 approval (not @alice, the author)"),
    ];
    const scope = releaseScope(runs, 2);
    const status = makeStatusCommand(deps());
    const text = await cli([status], ["status", "v1.2.0", "--repo", "acme/web"]);
    expect(text.err).toBe("");
    expect(text.code).toBe(0);
    expect(text.out).toBe(
      [
        "v1.2.0 (acme/web, a1b2c3d): in progress — Deploying v1.2.0: canary",
        "",
        "  STAGE       ENVIRONMENT  STATE      WAITING FOR / DONE",
        "  staging     staging      succeeded  Deployed v1.2.0 to staging",
        "  canary      production   running    Waiting for 1 approval (not @alice, the author)",
        "  production  production   pending    not started",
      ].join("\n"),
    );
    const json = await cli([status], ["status", "v1.2.0", "--repo", "acme/web", "--json"]);
    expect(JSON.parse(json.out)).toMatchObject({
      release: "v1.2.0",
      sha: SHA,
      state: "in progress",
      stages: [
        { name: "staging", phase: "succeeded" },
        { name: "canary", phase: "running" },
        { name: "production", phase: "pending" },
      ],
    });
    scope.done();
  });

  it("colours the states only when asked to (a terminal without NO_COLOR)", async () => {
    const runs = [
      run(10, "shipline", "completed", "success", "done"),
      run(11, "shipline / staging", "completed", "success", "ok"),
    ];
    releaseScope(runs, 2);
    const status = makeStatusCommand(deps());
    const lines = async (color: boolean) => {
      const out: string[] = [];
      await runCli(
        ["status", "v1.2.0", "--repo", "acme/web"],
        { out: (l) => out.push(l), err: () => {}, color },
        [status],
      );
      return out.join("\n");
    };
    expect(await lines(true)).toContain("\x1b[32msucceeded");
    expect(await lines(false)).not.toContain("\x1b[");
  });

  it("says the tag does not exist and lists the latest ones (exit 4)", async () => {
    const scope = nock(API)
      .get("/repos/acme/web/releases/tags/v9.9.9")
      .reply(404, { message: "Not Found" })
      .get("/repos/acme/web/releases")
      .query({ per_page: "5" })
      .reply(200, [{ tag_name: "v1.2.0" }, { tag_name: "v1.1.0" }]);
    const result = await cli([makeStatusCommand(deps())], ["status", "v9.9.9", "--repo", "acme/web"]);
    scope.done();
    expect(result).toMatchObject({ code: 4, out: "" });
    expect(result.err).toBe(
      "shipline status: there is no release v9.9.9 in acme/web (latest: v1.2.0, v1.1.0)",
    );
  });

  it("audit of a missing tag says so instead of GitHub's 'Not Found' (exit 4)", async () => {
    const scope = nock(API).get("/repos/acme/web/releases/tags/v9.9.9").reply(404, { message: "Not Found" });
    const result = await cli([makeAuditCommand(deps())], ["audit", "v9.9.9", "--repo", "acme/web"]);
    scope.done();
    expect(result).toMatchObject({ code: 4, out: "" });
    expect(result.err).toBe(
      "shipline audit: there is no release v9.9.9 in acme/web: `shipline status` lists the latest",
    );
  });

  it("without a token, a 404 or 401 says how to authenticate (exit 3)", async () => {
    const scope = nock(API)
      .get("/repos/acme/web/releases/tags/v1.2.0")
      .reply(401, { message: "Bad credentials" });
    const bad = await cli([makeStatusCommand(deps())], ["status", "v1.2.0", "--repo", "acme/web"]);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain("GitHub refused the token from GITHUB_TOKEN (401)");
    nock(API).get("/repos/acme/private/releases/tags/v1").reply(404, { message: "Not Found" });
    const none = await cli([makeStatusCommand(deps({}))], ["status", "v1", "--repo", "acme/private"]);
    expect(none.code).toBe(3);
    expect(none.err).toContain("acme/private was not found, or it is private and you are not authenticated");
    expect(none.err).not.toContain("docs.github.com");
    scope.done();
  });

  it("offline: names the host and the network error, not a stack (exit 5)", async () => {
    // Exactly what Node's fetch throws when DNS fails.
    const dnsFails = (async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("getaddrinfo ENOTFOUND api.github.com"), { code: "ENOTFOUND" }),
      });
    }) as typeof fetch;
    const result = await cli(
      [makeStatusCommand(deps(undefined, { fetch: dnsFails }))],
      ["status", "v1.2.0", "--repo", "acme/web"],
    );
    expect(result.code).toBe(5);
    expect(result.err).toBe(
      "shipline status: cannot reach api.github.com (ENOTFOUND): check your network; for GitHub Enterprise Server set GH_HOST",
    );
    // A real refused connection on loopback (a closed port).
    const closed = await freePort();
    const refused = await cli(
      [makeStatusCommand(deps())],
      ["status", "v1.2.0", "--repo", "acme/web", "--api-url", `http://127.0.0.1:${closed}`],
    );
    expect(refused.code).toBe(5);
    expect(refused.err).toBe(
      `shipline status: cannot reach 127.0.0.1:${closed} (ECONNREFUSED): check your network and GH_HOST`,
    );
  });

  it("takes the repository from the origin remote and the token from `gh auth token`, GHES from GH_HOST", async () => {
    const calls: string[] = [];
    const exec = (command: string, args: string[]) => {
      calls.push([command, ...args].join(" "));
      if (command === "git") return "git@ghe.example.com:acme/web.git";
      if (command === "gh") return "gho_from_gh";
      return undefined;
    };
    const scope = nock("https://ghe.example.com/api/v3", {
      reqheaders: { authorization: "token gho_from_gh" },
    })
      .get("/repos/acme/web/releases")
      .query({ per_page: "5" })
      .reply(200, []);
    const result = await cli([makeStatusCommand(deps({ GH_HOST: "ghe.example.com" }, { exec }))], ["status"]);
    scope.done();
    expect(result).toMatchObject({
      code: 0,
      out: "acme/web has no releases yet: publish one from CI with its assets attached",
    });
    expect(calls).toEqual(["git remote get-url origin", "gh auth token --hostname ghe.example.com"]);
    expect(repoFromRemote("https://github.com/acme/web.git")).toEqual({ owner: "acme", repo: "web" });
    expect(repoFromRemote("ssh://git@github.com/acme/web")).toEqual({ owner: "acme", repo: "web" });
    expect(resolveApiUrl(undefined, { GH_HOST: "github.com" })).toBe(API);
  });
});

describe("shipline watch", () => {
  it("redraws only when the release moved, and exits 0 once it is fully deployed", async () => {
    const states = [
      [
        run(10, "shipline", "in_progress", null, "Deploying"),
        run(11, "shipline / staging", "in_progress", null, "Deploying to staging"),
      ],
      [
        run(10, "shipline", "in_progress", null, "Deploying"),
        run(11, "shipline / staging", "in_progress", null, "Deploying to staging"),
      ],
      [
        run(10, "shipline", "completed", "success", "v1.2.0 fully deployed"),
        run(11, "shipline / staging", "completed", "success", "Deployed"),
        run(12, "shipline / canary", "completed", "success", "Deployed"),
        run(13, "shipline / production", "completed", "success", "Deployed"),
      ],
    ];
    for (const runs of states) releaseScope(runs);
    let sleeps = 0;
    const watch = makeWatchCommand(deps(undefined, { sleep: async () => void sleeps++ }));
    const result = await cli([watch], ["watch", "v1.2.0", "--repo", "acme/web", "--interval", "1s"]);
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.code).toBe(0);
    expect(sleeps).toBe(2);
    const frames = result.out.split("\n\n").filter((f) => f.startsWith("v1.2.0"));
    expect(frames.map((f) => f.split("\n")[0])).toEqual([
      "v1.2.0 (acme/web, a1b2c3d): in progress — Deploying",
      "v1.2.0 (acme/web, a1b2c3d): succeeded — v1.2.0 fully deployed",
    ]);
  });
});

describe("shipline promote / approve through the App", () => {
  const promote = (d: CliEnv) => remoteCommands(d).find((c) => c.name === "promote")!;
  const approve = (d: CliEnv) => remoteCommands(d).find((c) => c.name === "approve")!;

  it("posts the command with the caller's token on the release log issue (opening it) and prints the App's answer", async () => {
    const scope = nock(API)
      .get("/user")
      .reply(200, { login: "bob", type: "User" })
      .get("/repos/acme/web/issues")
      .query({ state: "open", per_page: "100", sort: "created", direction: "asc" })
      .reply(200, [{ number: 3, title: "Something else" }])
      .post("/repos/acme/web/issues", { title: "Shipline release log", body: /shipline/ })
      .reply(201, { number: 7 })
      .post("/repos/acme/web/issues/7/comments", { body: "/promote v1.2.0 to production" })
      .reply(201, {
        id: 500,
        html_url: "https://github.com/acme/web/issues/7#issuecomment-500",
        created_at: "2026-03-04T10:00:00Z",
      })
      .get("/repos/acme/web/issues/7/comments")
      .query({ since: "2026-03-04T10:00:00Z", per_page: "100" })
      .reply(200, [{ id: 500, body: "/promote v1.2.0 to production", user: { login: "bob", type: "User" } }])
      .get("/repos/acme/web/issues/7/comments")
      .query({ since: "2026-03-04T10:00:00Z", per_page: "100" })
      .reply(200, [
        { id: 500, body: "/promote v1.2.0 to production", user: { login: "bob", type: "User" } },
        {
          id: 501,
          html_url: "x",
          body: "@bob `/promote v1.2.0 to production`: **on it**\n\nDispatched production.\n\n<!-- shipline:record {} -->",
          user: { login: "shipline[bot]", type: "Bot" },
        },
      ]);
    const result = await cli(
      [promote(deps())],
      ["promote", "v1.2.0", "--to", "production", "--repo", "acme/web"],
    );
    scope.done();
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      [
        "@bob: posted `/promote v1.2.0 to production` on acme/web#7 (https://github.com/acme/web/issues/7#issuecomment-500)",
        "@bob `/promote v1.2.0 to production`: **on it**",
        "",
        "Dispatched production.",
      ].join("\n"),
    );
  });

  it("exits 1 with the App's refusal (the same four-eyes check as a comment)", async () => {
    const scope = nock(API)
      .get("/user")
      .reply(200, { login: "alice" })
      .post("/repos/acme/web/issues/12/comments", { body: "/approve v1.2.0" })
      .reply(201, { id: 600, html_url: "h", created_at: "2026-03-04T10:00:00Z" })
      .get("/repos/acme/web/issues/12/comments")
      .query(true)
      .reply(200, [
        {
          id: 601,
          body: "@alice `/approve v1.2.0`: **not run**\n\nYou published v1.2.0: another engineer must approve it.",
          user: { login: "shipline[bot]", type: "Bot" },
        },
      ]);
    const result = await cli([approve(deps())], ["approve", "v1.2.0", "--issue", "12", "--repo", "acme/web"]);
    scope.done();
    expect(result.code).toBe(1);
    expect(result.out).toContain("another engineer must approve it");
  });

  it("refuses a malformed command before sending anything, and says when the App does not answer", async () => {
    const bad = await cli([promote(deps())], ["promote", "v1..2", "--repo", "acme/web"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"v1..2" is not a release tag.');
    const scope = nock(API)
      .get("/user")
      .reply(200, { login: "bob" })
      .post("/repos/acme/web/issues/12/comments")
      .reply(201, { id: 700, html_url: "h", created_at: "2026-03-04T10:00:00Z" })
      .get("/repos/acme/web/issues/12/comments")
      .query(true)
      .times(2)
      .reply(200, []);
    const silent = await cli(
      [promote(deps())],
      ["promote", "--issue", "12", "--repo", "acme/web", "--timeout", "4s"],
    );
    scope.done();
    expect(silent.code).toBe(5);
    expect(silent.err).toContain(
      "the App did not answer within 4s: is it installed on acme/web and receiving webhooks?",
    );
  });

  it("lock, unlock, deploy, hotfix and retry post the same comment commands; a hotfix without a reason is refused locally", async () => {
    const by = (name: string) => remoteCommands(deps()).find((c) => c.name === name)!;
    const noReason = await cli([by("hotfix")], ["hotfix", "v1.2.0", "--repo", "acme/web"]);
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain("/hotfix needs a reason after  -- ");
    const sent: string[] = [];
    const scope = nock(API)
      .get("/user")
      .times(2)
      .reply(200, { login: "bob" })
      .post("/repos/acme/web/issues/12/comments", (b: { body: string }) => {
        sent.push(b.body);
        return true;
      })
      .times(2)
      .reply(201, { id: 800, html_url: "h", created_at: "2026-03-04T10:00:00Z" });
    const lock = await cli(
      [by("lock")],
      [
        "lock",
        "production",
        "--for",
        "2h",
        "--issue",
        "12",
        "--repo",
        "acme/web",
        "--timeout",
        "0",
        "--",
        "database",
        "maintenance",
      ],
    );
    const hotfix = await cli(
      [by("hotfix")],
      [
        "hotfix",
        "v1.2.1",
        "--issue",
        "12",
        "--repo",
        "acme/web",
        "--timeout",
        "0",
        "--reason",
        "checkout is down",
      ],
    );
    scope.done();
    expect([lock.code, hotfix.code]).toEqual([0, 0]);
    expect(sent).toEqual([
      "/lock production for 2h -- database maintenance",
      "/hotfix v1.2.1 -- checkout is down",
    ]);
  });
});
