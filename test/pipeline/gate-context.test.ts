import { Octokit } from "@octokit/rest";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { evaluateGates } from "../../src/gates/evaluate.js";
import { readRunApprovals } from "../../src/github/people.js";
import { type GateFacts, gateContext } from "../../src/pipeline/gate-context.js";
import { encodeApproval } from "../../src/records/codec.js";
import { pipelineFrom } from "../gates/support/context.js";
import { openApiExample } from "../support/openapi-examples.js";

const now = new Date("2026-03-04T12:00:00Z");
const YAML = `
stages:
  - { name: staging }
  - { name: production, approvals: 2 }
gates: { github-reviewers: true }
`;

function facts(overrides: Partial<GateFacts> = {}): GateFacts {
  const pipeline = pipelineFrom(YAML);
  const stageCheck = (name: string, status: string, conclusion: string | null, summary = "") => ({
    id: name.length,
    name,
    status: status as never,
    conclusion: conclusion as never,
    completedAt: conclusion ? "2026-03-04T11:00:00Z" : null,
    summary,
  });
  return {
    pipeline,
    stage: pipeline.stages[1]!,
    mode: "rollout",
    release: { tag: "v1.2.0", author: "github-actions[bot]" },
    triggeredBy: "shipline[bot]",
    shiplineChecks: [
      stageCheck("shipline / staging", "completed", "success"),
      stageCheck(
        "shipline / production",
        "queued",
        null,
        encodeApproval({
          login: "dave",
          stage: "production",
          release: "v1.2.0",
          at: new Date("2026-03-04T11:30:00Z"),
        }),
      ),
    ],
    allChecks: [],
    environment: { requiredReviewers: 1, preventSelfReview: true },
    now,
    ...overrides,
  };
}

type Review = { state: string; user: { login: string }; environments: { name: string }[] };
/** GitHub's example answer of GET /actions/runs/{run_id}/approvals, reviewed by `login` for production. */
function review(login: string): Review {
  const [base] = openApiExample<Review[]>("environment-approvals-items");
  const b = base as Review;
  return {
    ...b,
    user: { ...b.user, login },
    environments: b.environments.map((e) => ({ ...e, name: "production" })),
  };
}

async function approvalsOfRun(...logins: string[]) {
  const scope = nock("https://api.github.com")
    .get("/repos/acme/web/actions/runs/503/approvals")
    .reply(200, logins.map(review));
  const read = await readRunApprovals(
    new Octokit({ auth: "ghs_test", request: { retries: 0 } }),
    { owner: "acme", repo: "web" },
    503,
  );
  scope.done();
  return read;
}

describe("gateContext: the people facts", () => {
  it("passes who is behind the release, the run's reviews and the prerelease flag to the gates", async () => {
    const runApprovals = await approvalsOfRun("alice");
    const ctx = gateContext(
      facts({
        release: { tag: "v1.2.0", author: "github-actions[bot]", prerelease: true },
        releasePeople: ["alice", "bob"],
        runApprovals,
      }),
    );
    expect(ctx.releasePeople).toEqual(["alice", "bob"]);
    expect(ctx.runApprovals).toEqual([{ login: "alice", environment: "production", state: "approved" }]);
    expect(ctx.release.prerelease).toBe(true);
    expect(ctx.approvals.map((a) => a.login)).toEqual(["dave"]);
  });

  it("a CI-published release: the commit author's approval in GitHub's UI does not count, another person's does", async () => {
    const self = evaluateGates(
      gateContext(facts({ releasePeople: ["alice", "bob"], runApprovals: await approvalsOfRun("alice") })),
    );
    expect(self.verdict).toBe("wait");
    const fourEyes = self.results.find((r) => r.gate === "four-eyes");
    expect(fourEyes?.reason).toBe(
      "production needs 2 approvals from someone other than @alice, @bob; approved so far by @dave. Approvals by @alice (in GitHub's review) do not count: nobody approves their own deploy.",
    );
    expect(self.markdown).toContain("| four-eyes | ❌ closed |");

    const two = evaluateGates(
      gateContext(
        facts({ releasePeople: ["alice", "bob"], runApprovals: await approvalsOfRun("alice", "carol") }),
      ),
    );
    expect(two.verdict).toBe("approve");
    expect(two.results.find((r) => r.gate === "four-eyes")?.reason).toBe(
      "Approved by @dave, @carol (in GitHub's review) (2 required).",
    );
  });

  it("leaves the people facts out when the shell did not read them", () => {
    const ctx = gateContext(facts());
    expect("releasePeople" in ctx).toBe(false);
    expect("runApprovals" in ctx).toBe(false);
  });
});
