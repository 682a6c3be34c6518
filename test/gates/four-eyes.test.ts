import { describe, expect, it } from "vitest";
import { fourEyesGate } from "../../src/gates/four-eyes.js";
import { BASE_YAML, contextFor } from "./support/context.js";

const now = new Date("2025-01-14T10:00:00Z");
const before = new Date(now.getTime() - 60_000);
const approval = (login: string, stage = "production", at = before) => ({ login, stage, at });

describe("four-eyes gate", () => {
  it("needs no approval outside production by default", () => {
    expect(fourEyesGate(contextFor("staging"))).toMatchObject({
      ok: true,
      reason: "staging needs no approval.",
    });
  });

  it("is closed for production until someone other than the author and the trigger approves", () => {
    const none = fourEyesGate(contextFor("production", { now }));
    expect(none.ok).toBe(false);
    expect(none.reason).toBe(
      "production needs 1 approval from someone other than @alice, @bob; no approval yet.",
    );
    expect(none.next).toContain("/approve v1.2.0 to production");

    const ok = fourEyesGate(contextFor("production", { now, approvals: [approval("dave")] }));
    expect(ok).toMatchObject({ ok: true, reason: "Approved by @dave (1 required)." });
  });

  it("refuses a self-approval by the release author or the trigger (any letter case)", () => {
    const r = fourEyesGate(
      contextFor("production", { now, approvals: [approval("ALICE"), approval("bob")] }),
    );
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("Approvals by @ALICE, @bob do not count: nobody approves their own deploy.");
  });

  it("does not count the hotfix author, approvals for another stage, or approvals from the future", () => {
    const r = fourEyesGate(
      contextFor("production", {
        now,
        hotfix: { by: "erin", reason: "outage" },
        approvals: [
          approval("erin"),
          approval("dave", "canary"),
          approval("frank", "production", new Date(now.getTime() + 1)),
        ],
      }),
    );
    expect(r.ok).toBe(false);
  });

  it("counts distinct approvers against a configured number", () => {
    const yaml = BASE_YAML.replace("bake: 10m }", "bake: 10m, approvals: 2 }");
    const one = fourEyesGate(
      contextFor("production", { now, approvals: [approval("dave"), approval("Dave")] }, yaml),
    );
    expect(one.ok).toBe(false);
    expect(one.reason).toContain("needs 2 approvals");
    expect(one.reason).toContain("approved so far by @dave");
    const two = fourEyesGate(
      contextFor("production", { now, approvals: [approval("dave"), approval("erin")] }, yaml),
    );
    expect(two).toMatchObject({ ok: true, reason: "Approved by @dave, @erin (2 required)." });
  });

  describe("when CI published the release", () => {
    const ci = {
      now,
      release: { tag: "v1.2.0", author: "github-actions[bot]" },
      triggeredBy: "shipline[bot]",
      releasePeople: ["alice", "erin", "bob"],
    };

    it("never counts the commit's author, the pull request's author or its merger, and names only people", () => {
      const r = fourEyesGate(
        contextFor("production", {
          ...ci,
          approvals: [approval("alice"), approval("Bob"), approval("erin")],
        }),
      );
      expect(r.ok).toBe(false);
      expect(r.reason).toBe(
        "production needs 1 approval from someone other than @alice, @erin, @bob; no approval yet. Approvals by @alice, @Bob, @erin do not count: nobody approves their own deploy.",
      );
      const ok = fourEyesGate(contextFor("production", { ...ci, approvals: [approval("carol")] }));
      expect(ok).toMatchObject({ ok: true, reason: "Approved by @carol (1 required)." });
    });

    it("does not list the App or CI among the people who may not approve", () => {
      const r = fourEyesGate(contextFor("production", { ...ci, releasePeople: [] }));
      expect(r.reason).toBe("production needs 1 approval; no approval yet.");
      expect(r.reason).not.toContain("[bot]");
    });

    it("never counts a bot's approval", () => {
      const r = fourEyesGate(contextFor("production", { ...ci, approvals: [approval("deploy-bot[bot]")] }));
      expect(r.ok).toBe(false);
      expect(r.reason).toContain("Approvals by @deploy-bot[bot] do not count: a bot is not a second person.");
    });

    it("excludes the hotfix recorder and the requester as well", () => {
      const r = fourEyesGate(
        contextFor("production", {
          ...ci,
          triggeredBy: "dave",
          hotfix: { by: "frank", reason: "outage" },
          approvals: [approval("dave"), approval("frank")],
        }),
      );
      expect(r.ok).toBe(false);
      expect(r.reason).toContain("other than @alice, @erin, @bob, @dave, @frank");
    });
  });

  describe("with gates.github-reviewers", () => {
    const yaml = `${BASE_YAML}gates: { github-reviewers: true }\n`;

    it("relies on GitHub when the environment has required reviewers with prevent self-review", () => {
      const r = fourEyesGate(
        contextFor(
          "production",
          { now, environment: { requiredReviewers: 1, preventSelfReview: true } },
          yaml,
        ),
      );
      expect(r.ok).toBe(true);
      expect(r.reason).toContain("GitHub's required reviewers");
    });

    it("says what is missing and falls back to /approve when GitHub has no required reviewers", () => {
      const unavailable = fourEyesGate(
        contextFor("production", { now, approvals: [approval("dave")] }, yaml),
      );
      expect(unavailable.ok).toBe(true);
      expect(unavailable.reason).toContain(
        "a private repository needs GitHub Enterprise for them), so Shipline counts /approve only.",
      );

      const none = fourEyesGate(
        contextFor(
          "production",
          { now, environment: { requiredReviewers: 0, preventSelfReview: true } },
          yaml,
        ),
      );
      expect(none.ok).toBe(false);
      expect(none.reason).toContain("environment production has no required reviewers");
      expect(none.next).toBe(
        "Ask another user with write access to comment /approve v1.2.0 to production, then promote again.",
      );
    });

    const reviewed = { requiredReviewers: 1, preventSelfReview: true };
    const review = (login: string, environment = "production", state = "approved") => ({
      login,
      environment,
      state,
    });

    it("does not count the release author's own approval in GitHub's review UI", () => {
      const r = fourEyesGate(
        contextFor("production", { now, environment: reviewed, runApprovals: [review("alice")] }, yaml),
      );
      expect(r.ok).toBe(false);
      expect(r.reason).toBe(
        "production needs 1 approval from someone other than @alice, @bob; no approval yet. Approvals by @alice (in GitHub's review) do not count: nobody approves their own deploy.",
      );
      expect(r.next).toBe(
        "Ask someone other than @alice, @bob to approve the job in the workflow run (as a required reviewer) or to comment /approve v1.2.0 to production.",
      );
    });

    it("counts another person's approval in GitHub's UI, only for this stage's environment", () => {
      const ok = fourEyesGate(
        contextFor("production", { now, environment: reviewed, runApprovals: [review("carol")] }, yaml),
      );
      expect(ok).toMatchObject({ ok: true, reason: "Approved by @carol (in GitHub's review) (1 required)." });
      const elsewhere = fourEyesGate(
        contextFor(
          "production",
          { now, environment: reviewed, runApprovals: [review("carol", "staging")] },
          yaml,
        ),
      );
      expect(elsewhere.ok).toBe(false);
      expect(elsewhere.reason).toContain("no approval yet");
    });

    it("shows a rejection in GitHub's UI as the reason the gate is closed", () => {
      const r = fourEyesGate(
        contextFor(
          "production",
          {
            now,
            environment: reviewed,
            approvals: [approval("dave")],
            runApprovals: [review("carol", "production", "rejected")],
          },
          yaml,
        ),
      );
      expect(r.ok).toBe(false);
      expect(r.reason).toContain(
        "@carol rejected this deploy job in GitHub's review of environment production",
      );
    });

    it("before the dispatch (no job to review yet) lets GitHub's required reviewers hold the job", () => {
      const r = fourEyesGate(contextFor("production", { now, environment: reviewed }, yaml));
      expect(r.ok).toBe(true);
      expect(r.reason).toBe(
        "GitHub's required reviewers hold the deploy job for environment production; Shipline checks who approved when it waits (1 required from someone other than @alice, @bob).",
      );
    });

    it("counts GitHub reviews and /approve together when two approvals are required: distinct people", () => {
      const two = `${BASE_YAML.replace("bake: 10m }", "bake: 10m, approvals: 2 }")}gates: { github-reviewers: true }\n`;
      const gate = (approvals: ReturnType<typeof approval>[], runApprovals: ReturnType<typeof review>[]) =>
        fourEyesGate(contextFor("production", { now, environment: reviewed, approvals, runApprovals }, two));
      const same = gate([approval("carol")], [review("Carol")]);
      expect(same.ok).toBe(false);
      expect(same.reason).toContain("needs 2 approvals");
      expect(same.reason).toContain("approved so far by @carol.");
      expect(same.next).toContain("Ask someone other than @alice, @bob to approve the job");
      const none = gate([], []);
      expect(none.next).toContain("Ask 2 more people other than @alice, @bob");
      const both = gate([approval("dave")], [review("carol"), review("alice")]);
      expect(both).toMatchObject({
        ok: true,
        reason: "Approved by @dave, @carol (in GitHub's review) (2 required).",
      });
    });
  });
});
