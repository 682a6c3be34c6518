// The protection rule's answer is one of applyDecision's effects: the review goes to GitHub in order with the
// check-run updates that show it, whether it comes through applyReview (the protection rule) or applyDecision.
import { describe, expect, it } from "vitest";
import { type ApplyTiming, applyDecision } from "../../src/github/apply.js";
import { applyReview } from "../../src/github/apply-review.js";
import type { GitHubGateway } from "../../src/github/gateway.js";
import type { ProtectionGateway } from "../../src/github/protection.js";
import type { Effect } from "../../src/pipeline/types.js";

function fakes() {
  const requests: string[] = [];
  const gw = {
    repo: { owner: "o", repo: "r" },
    async updateCheck(id: number, check: { title: string }) {
      requests.push(`PATCH check-runs/${id} ${check.title}`);
    },
    async createCheck() {
      requests.push("POST check-runs");
      return 1;
    },
    async claim(ref: string) {
      requests.push(`POST git/refs ${ref}`);
      return true;
    },
  } as unknown as GitHubGateway;
  const protection = {
    async review(runId: number, environment: string, state: string, comment: string) {
      requests.push(
        `POST actions/runs/${runId}/deployment_protection_rule ${environment} ${state}: ${comment}`,
      );
    },
  } as unknown as ProtectionGateway;
  return { gw, protection, requests };
}

const log = { info() {}, warn() {}, error() {} };
const timing: ApplyTiming = {
  now: () => new Date("2026-12-01T12:00:00Z"),
  sleep: async () => {},
  lookups: [],
};

const rejected: Effect[] = [
  {
    kind: "review",
    runId: 42,
    environment: "production",
    state: "rejected",
    comment: "production is locked",
  },
  {
    kind: "update-check",
    id: 7,
    name: "shipline / production",
    status: "completed",
    conclusion: "failure",
    title: "Rejected: lock",
    summary: "| lock | ❌ closed |",
  },
];

describe("the review effect", () => {
  it("applyDecision answers the deploy job, then shows it on the stage's check run", async () => {
    const { gw, protection, requests } = fakes();
    const applied = await applyDecision(
      gw,
      { release: { sha: "a".repeat(40) }, checkRuns: [] },
      { effects: rejected, reason: "review" },
      log,
      undefined,
      timing,
      { protection },
    );
    expect(requests).toEqual([
      "POST actions/runs/42/deployment_protection_rule production rejected: production is locked",
      "PATCH check-runs/7 Rejected: lock",
    ]);
    expect(applied.checks.get("shipline / production")).toMatchObject({ id: 7, conclusion: "failure" });
  });

  it("applyReview, the protection rule's entry, carries the same effects out the same way", async () => {
    const { gw, protection, requests } = fakes();
    await applyReview(protection, gw, rejected);
    expect(requests).toEqual([
      "POST actions/runs/42/deployment_protection_rule production rejected: production is locked",
      "PATCH check-runs/7 Rejected: lock",
    ]);
  });

  it("a decision with a review but no protection gateway is refused before anything is written", async () => {
    const { gw, requests } = fakes();
    await expect(
      applyDecision(
        gw,
        { release: { sha: "a".repeat(40) }, checkRuns: [] },
        { effects: rejected, reason: "review", claim: "refs/shipline/v1/x" },
        log,
        undefined,
        timing,
      ),
    ).rejects.toThrow("a decision answering a protection rule needs the protection gateway");
    expect(requests).toEqual([]);
  });

  it("applyReview refuses effects a protection review never has, writing nothing", async () => {
    const { gw, protection, requests } = fakes();
    await expect(
      applyReview(protection, gw, [...rejected, { kind: "mark-waiting", ref: "refs/shipline-wait/v1/x" }]),
    ).rejects.toThrow("a protection review does not carry out mark-waiting effects");
    expect(requests).toEqual([]);
  });
});
