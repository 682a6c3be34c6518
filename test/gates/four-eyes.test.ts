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

    it("says what is misconfigured and falls back to /approve", () => {
      const selfReview = fourEyesGate(
        contextFor(
          "production",
          { now, environment: { requiredReviewers: 1, preventSelfReview: false } },
          yaml,
        ),
      );
      expect(selfReview.ok).toBe(false);
      expect(selfReview.reason).toContain("environment production does not prevent self-review");

      const unavailable = fourEyesGate(
        contextFor("production", { now, approvals: [approval("dave")] }, yaml),
      );
      expect(unavailable.ok).toBe(true);
      expect(unavailable.reason).toContain(
        "a private repository needs GitHub Enterprise for them), so Shipline counts /approve instead.",
      );

      const none = fourEyesGate(
        contextFor(
          "production",
          { now, environment: { requiredReviewers: 0, preventSelfReview: true } },
          yaml,
        ),
      );
      expect(none.reason).toContain("has no required reviewers");
    });

    it("counts /approve itself when more than one approval is required", () => {
      const two = `${BASE_YAML.replace("bake: 10m }", "bake: 10m, approvals: 2 }")}gates: { github-reviewers: true }\n`;
      const r = fourEyesGate(
        contextFor(
          "production",
          { now, environment: { requiredReviewers: 1, preventSelfReview: true } },
          two,
        ),
      );
      expect(r.ok).toBe(false);
      expect(r.reason).toContain("GitHub's required reviewers count only one");
    });
  });
});
