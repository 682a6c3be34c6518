import { Octokit } from "@octokit/rest";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { readReleasePeople, readRunApprovals } from "../../src/github/people.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { openApiExample } from "../support/openapi-examples.js";

const api = "https://api.github.com";
const repo = { owner: "acme", repo: "web" };
const SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
const ciBot = { login: "github-actions[bot]", type: "Bot" };

const client = () => new Octokit({ auth: "ghs_test", request: { retries: 0 } });

type Account = { login: string; type: string; id: number };
type Commit = { sha: string; author: Account | null; committer: Account | null };
type Pull = { number: number; merged_at: string | null; user: Account; merged_by: Account | null };

/** GitHub's example commit, authored by `author` and committed by `committer` (null: an identity GitHub cannot map). */
function commit(author: string | null, committer: string | null): Commit {
  const c = openApiExample<Commit>("commit");
  const as = (login: string | null, base: Account | null) =>
    login === null ? null : { ...(base as Account), login, type: login.endsWith("[bot]") ? "Bot" : "User" };
  return { ...c, sha: SHA, author: as(author, c.author), committer: as(committer, c.committer) };
}

/** GitHub's example list of a commit's pull requests: one per entry, merged or not. */
function pulls(entries: { number: number; user: string; merged: boolean }[]): Pull[] {
  const [base] = openApiExample<Pull[]>("pull-request-simple-items");
  return entries.map((e) => ({
    ...(base as Pull),
    number: e.number,
    user: { ...(base as Pull).user, login: e.user },
    merged_at: e.merged ? "2026-03-04T09:50:00Z" : null,
  }));
}

function pull(number: number, mergedBy: string | null): Pull {
  const p = openApiExample<Pull>("pull-request");
  return {
    ...p,
    number,
    merged_at: mergedBy ? "2026-03-04T09:50:00Z" : null,
    merged_by: mergedBy ? { ...p.user, login: mergedBy } : null,
  };
}

describe("readReleasePeople", () => {
  const traffic = expectValidGitHubTraffic();

  it("asks GitHub nothing when a person published the release: that person is the one behind it", async () => {
    const people = await readReleasePeople(client(), repo, SHA, { login: "alice", type: "User" });
    expect(people).toEqual(["alice"]);
    expect(traffic.current().requests).toEqual([]);
  });

  it("when CI published it: the commit's author and committer, the pull request's author and its merger", async () => {
    const scope = nock(api)
      .get(`/repos/acme/web/commits/${SHA}`)
      .reply(200, commit("alice", "web-flow"))
      .get(`/repos/acme/web/commits/${SHA}/pulls`)
      .query({ per_page: "10" })
      .reply(200, pulls([{ number: 42, user: "erin", merged: true }]))
      .get("/repos/acme/web/pulls/42")
      .reply(200, pull(42, "bob"));
    const people = await readReleasePeople(client(), repo, SHA, ciBot);
    scope.done();
    // web-flow is GitHub's web committer (the squash merge), not a person.
    expect(people).toEqual(["alice", "erin", "bob"]);
    expect(traffic.current().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/acme/web/commits/${SHA}`,
      `GET /repos/acme/web/commits/${SHA}/pulls`,
      "GET /repos/acme/web/pulls/42",
    ]);
  });

  it("treats a login ending in [bot] as a bot even without type Bot, and leaves bots and unmapped identities out", async () => {
    const scope = nock(api)
      .get(`/repos/acme/web/commits/${SHA}`)
      .reply(200, commit("dependabot[bot]", null))
      .get(`/repos/acme/web/commits/${SHA}/pulls`)
      .query({ per_page: "10" })
      .reply(
        200,
        pulls([
          { number: 7, user: "dependabot[bot]", merged: true },
          { number: 8, user: "mallory", merged: false },
        ]),
      )
      .get("/repos/acme/web/pulls/7")
      .reply(200, pull(7, "Carol"));
    const people = await readReleasePeople(client(), repo, SHA, { login: "release-bot[bot]", type: "" });
    scope.done();
    // The open pull request #8 did not bring the commit in: nobody merged it, it is not read.
    expect(people).toEqual(["Carol"]);
  });

  it("names each person once, whatever the letter case", async () => {
    const scope = nock(api)
      .get(`/repos/acme/web/commits/${SHA}`)
      .reply(200, commit("alice", "Alice"))
      .get(`/repos/acme/web/commits/${SHA}/pulls`)
      .query({ per_page: "10" })
      .reply(200, pulls([{ number: 42, user: "ALICE", merged: true }]))
      .get("/repos/acme/web/pulls/42")
      .reply(200, pull(42, "alice"));
    expect(await readReleasePeople(client(), repo, SHA, ciBot)).toEqual(["alice"]);
    scope.done();
  });

  it("fails closed with a clear error when GitHub cannot say who made the commit", async () => {
    const scope = nock(api)
      .get(`/repos/acme/web/commits/${SHA}`)
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    await expect(readReleasePeople(client(), repo, SHA, ciBot)).rejects.toThrow(
      /could not read commit 6dcb09b \(GitHub answered 404: Not Found.*four-eyes cannot tell who may not approve, so nothing is approved/,
    );
    scope.done();
  });
});

describe("readRunApprovals", () => {
  const traffic = expectValidGitHubTraffic();

  it("lists each review of the run per environment, with GitHub's state", async () => {
    type Review = { state: string; user: Account; environments: { name: string }[] };
    const [base] = openApiExample<Review[]>("environment-approvals-items");
    const review = (login: string, state: string, environments: string[]) => ({
      ...(base as Review),
      state,
      user: { ...(base as Review).user, login },
      environments: environments.map((name) => ({ ...(base as Review).environments[0], name })),
    });
    const scope = nock(api)
      .get("/repos/acme/web/actions/runs/503/approvals")
      .reply(200, [
        review("alice", "approved", ["production"]),
        review("carol", "approved", ["production", "canary"]),
        review("dave", "rejected", ["staging"]),
      ]);
    const approvals = await readRunApprovals(client(), repo, 503);
    scope.done();
    expect(approvals).toEqual([
      { login: "alice", environment: "production", state: "approved" },
      { login: "carol", environment: "production", state: "approved" },
      { login: "carol", environment: "canary", state: "approved" },
      { login: "dave", environment: "staging", state: "rejected" },
    ]);
    expect(traffic.current().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/acme/web/actions/runs/503/approvals",
    ]);
  });

  it("reads GitHub's own example as it is", async () => {
    const scope = nock(api)
      .get("/repos/acme/web/actions/runs/1/approvals")
      .reply(200, openApiExample("environment-approvals-items"));
    expect(await readRunApprovals(client(), repo, 1)).toEqual([
      { login: "octocat", environment: "staging", state: "approved" },
    ]);
    scope.done();
  });

  it("fails with a clear error when the run cannot be read", async () => {
    const scope = nock(api)
      .get("/repos/acme/web/actions/runs/9/approvals")
      .reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    await expect(readRunApprovals(client(), repo, 9)).rejects.toThrow(
      /could not read the reviews of workflow run 9 \(GitHub answered 404/,
    );
    scope.done();
  });
});
