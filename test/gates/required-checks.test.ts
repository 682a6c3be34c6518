import { describe, expect, it } from "vitest";
import { requiredChecksGate } from "../../src/gates/required-checks.js";
import { BASE_YAML, contextFor } from "./support/context.js";

const yaml = `${BASE_YAML}gates: { required-checks: [load-test, security-scan] }\n`;

describe("required-checks gate", () => {
  it("opens when every named check is green on the release commit", () => {
    const r = requiredChecksGate(
      contextFor(
        "production",
        {
          requiredChecks: [
            { name: "load-test", conclusion: "success" },
            { name: "security-scan", conclusion: "success" },
          ],
        },
        yaml,
      ),
    );
    expect(r).toMatchObject({ ok: true, reason: "load-test, security-scan passed on the release commit." });
  });

  it("closes naming each check that failed or has not run", () => {
    const r = requiredChecksGate(
      contextFor("production", { requiredChecks: [{ name: "load-test", conclusion: "failure" }] }, yaml),
    );
    expect(r.ok).toBe(false);
    expect(r.reason).toBe("Required checks on v1.2.0's commit: load-test failed; security-scan has not run.");
  });

  it("opens when none are configured", () => {
    expect(requiredChecksGate(contextFor("production")).ok).toBe(true);
  });
});
