// The stand-in enforces GitHub's secondary limit on content-creating requests when asked: beyond N writes in a
// window it answers 403 with retry-after and GitHub's message, creates nothing, and still serves reads.
import { afterEach, describe, expect, it } from "vitest";
import type { RunningStandin } from "../../tools/standin/index.js";
import { SECONDARY_LIMIT_MESSAGE } from "../../tools/standin/secondary-limits.js";
import { REPO, standinWithToken } from "./helpers.js";

const [owner = "", repo = ""] = REPO.split("/");
const SHA = "a".repeat(40);
let gh: RunningStandin | undefined;
afterEach(async () => {
  await gh?.stop();
  gh = undefined;
});

describe("stand-in secondary rate limits", () => {
  it("refuses the write over the limit with 403 + retry-after, creating nothing; reads still work", async () => {
    const started = await standinWithToken({ secondaryLimits: { writes: [{ limit: 3, windowMs: 60_000 }] } });
    gh = started.gh;
    const { octokit } = started;
    for (const n of [1, 2, 3])
      await octokit.checks.create({ owner, repo, name: `check ${n}`, head_sha: SHA, status: "queued" });

    const refused = await octokit.checks
      .create({ owner, repo, name: "check 4", head_sha: SHA, status: "queued" })
      .then(
        () => undefined,
        (e: { status: number; message: string; response: { headers: Record<string, string> } }) => e,
      );
    expect(refused?.status).toBe(403);
    expect(refused?.message).toContain(SECONDARY_LIMIT_MESSAGE);
    const retryAfter = Number(refused?.response.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect(gh.standin.repo().checkRuns.map((c) => c.name)).toEqual(["check 1", "check 2", "check 3"]);
    const { data } = await octokit.checks.listForRef({ owner, repo, ref: SHA });
    expect(data.total_count).toBe(3);
    expect(gh.standin.limits?.refused).toMatchObject([
      { method: "POST", path: "/repos/{owner}/{repo}/check-runs", retryAfter },
    ]);
    gh.assertNoViolations();
  });

  it("lets writes through again once the oldest leaves the window", async () => {
    const started = await standinWithToken({ secondaryLimits: { writes: [{ limit: 2, windowMs: 300 }] } });
    gh = started.gh;
    const create = (name: string) =>
      started.octokit.checks.create({ owner, repo, name, head_sha: SHA }).then(
        () => 201,
        (e: { status: number }) => e.status,
      );
    expect([await create("a"), await create("b"), await create("c")]).toEqual([201, 201, 403]);
    const refusedAt = gh.standin.limits?.refused[0]?.at ?? 0;
    while (Date.now() < refusedAt + 350) await new Promise((r) => setTimeout(r, 50));
    expect(await create("d")).toBe(201);
    expect(gh.standin.repo().checkRuns.map((c) => c.name)).toEqual(["a", "b", "d"]);
  });

  it("enforces nothing unless asked", async () => {
    const started = await standinWithToken();
    gh = started.gh;
    for (let n = 0; n < 30; n++)
      await started.octokit.checks.create({ owner, repo, name: `c${n}`, head_sha: SHA });
    expect(gh.standin.limits).toBeUndefined();
    expect(gh.standin.repo().checkRuns).toHaveLength(30);
  });
});
