import { describe, expect, it } from "vitest";
import { errorBudgetFigures } from "../../src/gates/error-budget-query.js";
import { COMMENT_LIMIT, evaluateGates } from "../../src/gates/evaluate.js";
import { BASE_YAML, contextFor, pipelineFrom } from "./support/context.js";

const yaml = `${BASE_YAML}gates:
  windows: { timezone: Europe/London, allow: ["Mon-Thu 09:00-16:00"] }
  freezes: [{ from: "2025-12-20", until: "2026-01-02", reason: "holiday freeze" }]
  required-checks: [load-test]
  error-budget:
    slo: 99.9
    prometheus: { url: "http://prometheus:9090", query: "errors_ratio[{window}]" }
`;
const budget = pipelineFrom(yaml).gates["error-budget"]!;
const tuesday = new Date("2025-01-14T10:00:00Z");
const friday = new Date("2025-01-17T17:00:00Z");
const healthy = errorBudgetFigures(budget, { "28d": 0.0001, "1h": 0, "5m": 0 });
const spent = errorBudgetFigures(budget, { "28d": 0.01, "1h": 0.01, "5m": 0.01 });
const green = [{ name: "load-test", conclusion: "success" as const }];
const approved = [{ login: "dave", stage: "production", at: new Date("2025-01-14T09:00:00Z") }];

describe("evaluateGates", () => {
  it("approves a production rollout when every gate is open, with a table for the check run", () => {
    const e = evaluateGates(
      contextFor(
        "production",
        { now: tuesday, errorBudget: healthy, requiredChecks: green, approvals: approved },
        yaml,
      ),
    );
    expect(e.approved).toBe(true);
    expect(e.results.map((r) => r.gate)).toEqual([
      "order",
      "bake",
      "four-eyes",
      "window",
      "freeze",
      "lock",
      "error-budget",
      "required-checks",
    ]);
    expect(e.comment).toBe(
      "Shipline approved v1.2.0 to production. Gates open: order, bake, four-eyes, window, freeze, lock, error-budget, required-checks.",
    );
    expect(e.markdown.split("\n").slice(0, 6)).toEqual([
      "### Gates for v1.2.0 to production",
      "",
      "| Gate | Result | Details |",
      "| --- | --- | --- |",
      "| order | ✅ open | canary succeeded for v1.2.0. |",
      "| bake | ✅ open | canary baked for 30m in its deploy job and succeeded at 2025-01-13T10:00:00Z. |",
    ]);
  });

  it("waits (answers nothing yet) when approvals are all that is missing, so /approve can release the job", () => {
    const waiting = evaluateGates(
      contextFor("production", { now: tuesday, errorBudget: healthy, requiredChecks: green }, yaml),
    );
    expect(waiting.results.filter((r) => !r.ok).map((r) => r.gate)).toEqual(["four-eyes"]);
    expect(waiting.verdict).toBe("wait");
    const open = evaluateGates(
      contextFor(
        "production",
        { now: tuesday, errorBudget: healthy, requiredChecks: green, approvals: approved },
        yaml,
      ),
    );
    expect(open.verdict).toBe("approve");
  });

  it("rejects with every closed gate's reason and next step", () => {
    const e = evaluateGates(
      contextFor("production", { now: friday, errorBudget: spent, requiredChecks: [] }, yaml),
    );
    expect(e.approved).toBe(false);
    expect(e.results.filter((r) => !r.ok).map((r) => r.gate)).toEqual([
      "four-eyes",
      "window",
      "error-budget",
      "required-checks",
    ]);
    expect(e.comment.split("\n")[0]).toBe("Shipline rejected v1.2.0 to production: 4 gates closed.");
    expect(e.verdict).toBe("reject");
    expect(e.comment).toContain("[window] Deploys to production may start only Mon-Thu 09:00-16:00");
    expect(e.comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(e.markdown).toContain("| window | ❌ closed |");
  });

  it("keeps the review comment within 1024 characters however long the reasons are", () => {
    const lock = { environment: "production", owner: "carol", reason: "x".repeat(5000) };
    const e = evaluateGates(contextFor("production", { now: friday, lock, errorBudget: spent }, yaml));
    expect(e.approved).toBe(false);
    expect(e.comment.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(e.comment).toContain("[four-eyes]");
  });

  it("escapes user text in the check-run table", () => {
    const lock = { environment: "production", owner: "carol", reason: "a | b <script>" };
    const e = evaluateGates(contextFor("production", { now: tuesday, lock, errorBudget: healthy }, yaml));
    expect(e.markdown).toContain("a \\| b &lt;script&gt;");
  });

  it("lets a rollback through a closed window, a freeze, a spent budget and a lock (a rollback never waits)", () => {
    const base = { now: friday, mode: "rollback" as const, errorBudget: spent, stages: [] };
    const e = evaluateGates(contextFor("production", base, yaml));
    expect(e.approved).toBe(true);
    expect(e.results.filter((r) => r.skipped).map((r) => r.gate)).toEqual([
      "order",
      "bake",
      "four-eyes",
      "window",
      "freeze",
      "lock",
      "error-budget",
      "required-checks",
    ]);
    expect(e.comment).toContain("Shipline approved v1.2.0 to production (rollback).");

    const lock = { environment: "production", owner: "carol", reason: "investigating" };
    const locked = evaluateGates(contextFor("production", { ...base, lock }, yaml));
    expect(locked.approved).toBe(true);
    expect(locked.results.find((r) => r.gate === "lock")).toMatchObject({ skipped: true });
    const rollout = evaluateGates(contextFor("production", { ...base, mode: "rollout", lock }, yaml));
    expect(rollout.comment).toContain("[lock] production is locked by @carol: investigating.");
  });

  it("lets a hotfix skip the bake time but no other validation, and marks it", () => {
    const hotfix = { by: "bob", reason: "payments down" };
    const justPromoted = [
      { name: "canary", conclusion: "success" as const, completedAt: new Date(tuesday.getTime() - 60_000) },
    ];
    const ctx = {
      now: tuesday,
      hotfix,
      stages: justPromoted,
      errorBudget: healthy,
      requiredChecks: green,
      approvals: approved,
    };
    const e = evaluateGates(contextFor("production", ctx, yaml));
    expect(e.approved).toBe(true);
    expect(e.results.find((r) => r.gate === "bake")).toMatchObject({
      skipped: true,
      reason: expect.stringContaining("payments down"),
    });
    expect(e.comment).toContain("[HOTFIX]");
    expect(e.markdown).toContain("[HOTFIX]");

    const outside = evaluateGates(
      contextFor("production", { ...ctx, now: friday, stages: justPromoted }, yaml),
    );
    expect(outside.approved).toBe(false);
    expect(outside.results.find((r) => !r.ok)?.gate).toBe("window");
  });

  it("approves a verification, which deploys nothing", () => {
    const e = evaluateGates(
      contextFor("production", { now: friday, mode: "verify", errorBudget: spent }, yaml),
    );
    expect(e).toMatchObject({ approved: true, results: [] });
  });
});
