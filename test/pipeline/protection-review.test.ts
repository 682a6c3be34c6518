import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse.js";
import type { Evaluation } from "../../src/gates/types.js";
import { runName } from "../../src/pipeline/identity.js";
import {
  decideReview,
  dispatchedRun,
  isDecided,
  type ReviewTarget,
  reviewStage,
  reviewTarget,
} from "../../src/pipeline/protection-review.js";
import { encodeRecord } from "../../src/records/codec.js";

const config = parseConfig(readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8"));
if (!config.ok) throw new Error("fixture config is invalid");
const job = { runId: 42, environment: "production", ref: "v1.2.0", sha: "a".repeat(40) };
const run = {
  displayTitle: runName({ release: "v1.2.0", stage: "canary", mode: "rollout" }),
  triggeringActor: "shipline[bot]",
  htmlUrl: "https://github.com/o/r/actions/runs/42",
};
const canary = {
  id: 5,
  name: "shipline / canary",
  status: "queued" as const,
  conclusion: null,
  summary: "table",
};

function target(): ReviewTarget {
  const id = reviewTarget(job, run);
  if (isDecided(id)) throw new Error(id.outcome);
  const t = reviewStage(job, id, config);
  if (isDecided(t)) throw new Error(t.outcome);
  return t;
}

const evaluation = (verdict: Evaluation["verdict"]): Evaluation => ({
  approved: verdict === "approve",
  verdict,
  results:
    verdict === "approve"
      ? [{ gate: "order", ok: true, reason: "staging succeeded" }]
      : [{ gate: "four-eyes", ok: false, reason: "needs 1 more approval" }],
  comment: verdict === "reject" ? "Blocked: four-eyes" : "Gates open",
  markdown: "| gate | state |",
});

describe("the protection rule's decision", () => {
  it("rejects a run Shipline did not start, and a run whose ref is not its release, saying why", () => {
    const handStarted = reviewTarget(job, { ...run, displayTitle: "Deploy by hand" });
    expect(handStarted).toMatchObject({
      effects: [{ kind: "review", runId: 42, environment: "production", state: "rejected" }],
    });
    expect(isDecided(handStarted) && handStarted.effects[0]).toMatchObject({
      comment: expect.stringContaining("deploy through Shipline's workflow"),
    });
    const mismatched = reviewTarget({ ...job, ref: "v1.1.0" }, run);
    expect(isDecided(mismatched) && mismatched.outcome).toContain("the job checked out v1.1.0");
  });

  it("rejects a job when the config at the tag is missing or names no such stage", () => {
    const id = reviewTarget(job, run);
    if (isDecided(id)) throw new Error("not a Shipline run");
    expect(reviewStage(job, id, undefined)).toMatchObject({
      effects: [{ kind: "review", state: "rejected" }],
    });
    const other = reviewStage(job, { ...id, stage: "nope" }, config);
    expect(isDecided(other) && other.outcome).toContain('No stage "nope" for v1.2.0');
  });

  it("approves with the review as its only effect", () => {
    const decision = decideReview(job, run, target(), evaluation("approve"), [canary]);
    expect(decision.outcome).toBe("approved");
    expect(decision.effects).toEqual([
      { kind: "review", runId: 42, environment: "production", state: "approved", comment: "Gates open" },
    ]);
  });

  it("waits for approvals: no review, the stage says who may approve and records the waiting run", () => {
    const decision = decideReview(job, run, target(), evaluation("wait"), [canary]);
    expect(decision.outcome).toBe("waiting for approval");
    expect(decision.effects).toHaveLength(1);
    expect(decision.effects[0]).toMatchObject({
      kind: "update-check",
      id: 5,
      status: "queued",
      title: "Waiting for approval: needs 1 more approval",
      summary: expect.stringContaining("`/approve v1.2.0 to canary`"),
    });
    expect(decision.effects[0]).toMatchObject({
      summary: expect.stringContaining(
        encodeRecord("awaiting-approval", { run: 42, environment: "production" }),
      ),
    });
  });

  it("after an approval, a stage that showed 'Waiting for approval' shows its deploy again", () => {
    const waiting = {
      ...canary,
      summary: `table\n${encodeRecord("awaiting-approval", { run: 42, environment: "production" })}`,
    };
    const decision = decideReview(job, run, target(), evaluation("approve"), [waiting]);
    expect(decision.effects.map((e) => e.kind)).toEqual(["review", "update-check"]);
    expect(decision.effects[1]).toMatchObject({
      status: "in_progress",
      title: "Deploying v1.2.0 to production",
    });
  });

  it("rejects closed gates and turns the stage red with the gate table", () => {
    const decision = decideReview(job, run, target(), evaluation("reject"), [canary]);
    expect(decision.outcome).toBe("rejected by four-eyes");
    expect(decision.effects[0]).toMatchObject({
      kind: "review",
      state: "rejected",
      comment: "Blocked: four-eyes",
    });
    expect(decision.effects[1]).toMatchObject({
      kind: "update-check",
      status: "completed",
      conclusion: "failure",
      title: "Blocked by four-eyes",
      summary: "table\n\n### Gates\n\n| gate | state |\n\nBlocked: four-eyes",
    });
  });
});

describe("the run a review takes from the App's own record", () => {
  const job = {
    runId: 77,
    environment: "production",
    ref: "v1.2.0",
    sha: "a".repeat(40),
    sender: { login: "shipline[bot]", type: "Bot" },
    runUrl: "https://github.com/o/r/actions/runs/77",
  };
  const stage = (status: "in_progress" | "completed") => ({
    id: 3,
    name: "shipline / production",
    status,
    conclusion: status === "completed" ? ("failure" as const) : null,
    summary: encodeRecord("dispatched", { run: 77 }),
  });

  it("is the dispatched run while its stage is in progress", () => {
    expect(dispatchedRun(job, [stage("in_progress")])).toEqual({
      displayTitle: runName({ release: "v1.2.0", stage: "production", mode: "rollout" }),
      triggeringActor: "shipline[bot]",
      htmlUrl: job.runUrl,
    });
  });

  it("is read from GitHub for a re-run (the stage's job ended), a person as sender, or another run", () => {
    expect(dispatchedRun(job, [stage("completed")])).toBeUndefined();
    expect(
      dispatchedRun({ ...job, sender: { login: "carol", type: "User" } }, [stage("in_progress")]),
    ).toBeUndefined();
    expect(dispatchedRun({ ...job, runId: 78 }, [stage("in_progress")])).toBeUndefined();
  });
});
