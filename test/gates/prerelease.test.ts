import { describe, expect, it } from "vitest";
import { evaluateGates } from "../../src/gates/evaluate.js";
import { prereleaseGate, prereleasesAllowed } from "../../src/gates/prerelease.js";
import { BASE_YAML, contextFor, pipelineFrom } from "./support/context.js";

const rc = { tag: "v1.3.0-rc.1", author: "alice", prerelease: true };

describe("prerelease gate", () => {
  it("by default lets prereleases through every stage but the last", () => {
    const pipeline = pipelineFrom(BASE_YAML);
    expect(pipeline.stages.map((s) => [s.name, prereleasesAllowed(pipeline, s)])).toEqual([
      ["staging", true],
      ["canary", true],
      ["production", false],
    ]);
  });

  it("follows the stage's prereleases setting when it has one", () => {
    const yaml = BASE_YAML.replace("percent: 10,", "percent: 10, prereleases: false,").replace(
      "bake: 10m }",
      "bake: 10m, prereleases: true }",
    );
    const pipeline = pipelineFrom(yaml);
    expect(pipeline.stages.map((s) => prereleasesAllowed(pipeline, s))).toEqual([true, false, true]);
    const canary = prereleaseGate(contextFor("canary", { release: rc }, yaml));
    expect(canary).toMatchObject({
      ok: false,
      reason:
        "v1.3.0-rc.1 is a prerelease and canary takes only full releases (prereleases: false). It stops after staging.",
    });
    expect(prereleaseGate(contextFor("production", { release: rc }, yaml))).toMatchObject({
      ok: true,
      reason: "v1.3.0-rc.1 is a prerelease; production takes prereleases (prereleases: true).",
    });
  });

  it("stops a prerelease before the last stage, says why and what to do, and never opens by itself", () => {
    const r = prereleaseGate(contextFor("production", { release: rc }));
    expect(r).toEqual({
      gate: "prerelease",
      ok: false,
      reason:
        "v1.3.0-rc.1 is a prerelease and production takes only full releases (the last stage takes only full releases by default). It stops after canary.",
      next: 'To ship it to production, publish a full release (edit v1.3.0-rc.1 on GitHub and clear "Set as a pre-release", or publish the final version), or set `prereleases: true` on stage production in .github/shipline.yml.',
    });
    expect(r.until).toBeUndefined();
    expect(prereleaseGate(contextFor("canary", { release: rc }))).toMatchObject({
      ok: true,
      reason:
        "v1.3.0-rc.1 is a prerelease; canary takes prereleases (every stage but the last does by default).",
    });
  });

  it("a single-stage pipeline takes no prerelease unless it says so", () => {
    const yaml = "stages:\n  - { name: production }\n";
    const r = prereleaseGate(contextFor("production", { release: rc }, yaml));
    expect(r.ok).toBe(false);
    expect(r.reason).not.toContain("It stops after");
  });

  describe("among the other gates", () => {
    it("rejects the deploy (nothing to wait for) and shows the row in the stage's gate table", () => {
      const e = evaluateGates(contextFor("production", { release: rc, approvals: [] }));
      expect(e.verdict).toBe("reject");
      expect(e.results.map((r) => r.gate)).toContain("prerelease");
      expect(e.markdown).toContain(
        "| prerelease | ❌ closed | v1.3.0-rc.1 is a prerelease and production takes only full releases",
      );
      expect(e.comment).toContain("[prerelease] v1.3.0-rc.1 is a prerelease");
    });

    it("is shown open for a stage that takes prereleases, and not at all for a full release", () => {
      const canary = evaluateGates(contextFor("canary", { release: rc }));
      expect(canary.markdown).toContain("| prerelease | ✅ open |");
      const full = evaluateGates(contextFor("canary"));
      expect(full.results.map((r) => r.gate)).not.toContain("prerelease");
    });

    it("is not skipped by a hotfix, and is skipped by a rollback", () => {
      const hotfix = evaluateGates(
        contextFor("production", { release: rc, hotfix: { by: "carol", reason: "outage" } }),
      );
      expect(hotfix.results.find((r) => r.gate === "prerelease")).toMatchObject({ ok: false });
      const rollback = evaluateGates(contextFor("production", { release: rc, mode: "rollback" }));
      expect(rollback.results.find((r) => r.gate === "prerelease")).toMatchObject({
        ok: true,
        skipped: true,
      });
      expect(rollback.approved).toBe(true);
    });
  });
});
