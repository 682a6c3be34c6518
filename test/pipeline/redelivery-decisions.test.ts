import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Config } from "../../src/config/types.js";
import { RELEASE_CHECK, stageCheckName } from "../../src/pipeline/identity.js";
import { onDeploymentStatus, onReleasePublished } from "../../src/pipeline/index.js";
import { alreadyStarted } from "../../src/pipeline/published.js";
import type { CheckRunState, Decision, Effect, Snapshot, StageEvent } from "../../src/pipeline/types.js";

// A redelivered event (GitHub redelivers; a second replica may see the same event) whose work the check runs
// already show is decided "nothing to do" by the core, with no claim to try: a claim that GitHub refuses (422)
// is still a content-creating request against the secondary limit. When the check runs do not show the work
// done, the claim still decides who carries it out.

const NOW = new Date("2026-12-01T12:00:00Z");

function config(): Config {
  const result = parseConfig(
    "artifacts: { assets: ['app-*.tar.gz'], checksums: SHA256SUMS }\nstages:\n  - { name: staging, environment: staging }\n  - { name: production, environment: production, approvals: 0 }\n",
  );
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const bot = { login: "github-actions[bot]", type: "Bot" };
function snapshot(): Snapshot {
  return {
    release: {
      id: 1,
      tag: "v2.0.0",
      sha: "a".repeat(40),
      author: "alice",
      draft: false,
      prerelease: false,
      htmlUrl: "https://github.com/acme/web/releases/tag/v2.0.0",
      assets: [
        { id: 1, name: "app-2.0.0.tar.gz", size: 1, state: "uploaded", digest: null, uploader: bot },
        { id: 2, name: "SHA256SUMS", size: 1, state: "uploaded", digest: null, uploader: bot },
      ],
    },
    checkRuns: [],
  };
}
const SUMS = `${"0".repeat(64)}  app-2.0.0.tar.gz\n`;

/** Carries a decision out on the snapshot the way the shell does (claims taken, check runs written). */
function apply(s: Snapshot, decision: Decision, claims: Set<string>): void {
  let id = s.checkRuns.length + 1;
  const guard = decision.claim ?? decision.effects.find((e) => e.kind === "dispatch")?.claim;
  if (guard) {
    if (claims.has(guard)) return;
    claims.add(guard);
  }
  for (const e of decision.effects as Effect[]) {
    if (e.kind === "create-check")
      s.checkRuns.push({
        id: id++,
        name: e.name,
        status: e.status,
        conclusion: e.conclusion ?? null,
        summary: e.summary,
      });
    else if (e.kind === "update-check")
      Object.assign(s.checkRuns.find((c) => c.id === e.id) as CheckRunState, {
        status: e.status,
        conclusion: e.conclusion ?? null,
        summary: e.summary,
      });
    else if (e.kind === "dispatch" && e.check) {
      claims.add(e.claim);
      s.checkRuns.push({
        id: id++,
        name: e.check.name,
        status: "in_progress",
        conclusion: null,
        summary: e.check.summary,
      });
    }
  }
}

const success = (stage: string, environment: string): StageEvent => ({
  release: "v2.0.0",
  stage,
  mode: "rollout",
  state: "success",
  environment,
  deploymentId: 7,
});

describe("redelivered deployment_status success", () => {
  it("decides nothing, without a claim, once the stage completed and the next stage was dispatched", () => {
    const cfg = config();
    const s = snapshot();
    const claims = new Set<string>();
    apply(s, onReleasePublished({ ok: true, config: cfg }, s, undefined, SUMS), claims);
    const first = onDeploymentStatus(cfg, s, success("staging", "staging"), undefined, NOW);
    expect(first.effects.map((e) => e.kind)).toContain("dispatch");
    apply(s, first, claims);
    expect(s.checkRuns.find((c) => c.name === stageCheckName("production"))?.status).toBe("in_progress");

    const again = onDeploymentStatus(cfg, s, success("staging", "staging"), undefined, NOW);
    expect(again.effects).toEqual([]);
    expect(again.claim).toBeUndefined();
    expect(again.reason).toMatch(/already completed/);
  });

  it("still goes through the claim when the check runs read do not show the stage done (replicas racing)", () => {
    const cfg = config();
    const s = snapshot();
    const claims = new Set<string>();
    apply(s, onReleasePublished({ ok: true, config: cfg }, s, undefined, SUMS), claims);
    const before = structuredClone(s); // what a second replica read before the first wrote
    const a = onDeploymentStatus(cfg, s, success("staging", "staging"), undefined, NOW);
    const b = onDeploymentStatus(cfg, before, success("staging", "staging"), undefined, NOW);
    const claimOf = (d: Decision) => d.claim ?? d.effects.find((e) => e.kind === "dispatch")?.claim;
    expect(claimOf(a)).toBeDefined();
    expect(claimOf(b)).toBe(claimOf(a));
    apply(s, a, claims);
    const dispatchedBefore = s.checkRuns.length;
    apply(s, b, claims); // the claim is taken: the second replica writes nothing
    expect(s.checkRuns.length).toBe(dispatchedBefore);
  });
});

describe("redelivered release.published", () => {
  it("decides nothing, without a claim, once the pipeline started", () => {
    const cfg = { ok: true as const, config: config() };
    const s = snapshot();
    const claims = new Set<string>();
    const first = onReleasePublished(cfg, s, undefined, SUMS);
    expect(first.effects.map((e) => e.kind)).toEqual(["create-check", "dispatch"]);
    apply(s, first, claims);
    expect(alreadyStarted(cfg, s)).toMatch(/already started/);
    // The shell reads no checksum file for it: the decision does not need one.
    const again = onReleasePublished(cfg, s, undefined, undefined);
    expect(again).toEqual({ effects: [], reason: expect.stringMatching(/already started/) });
  });

  it("decides nothing for a refused release redelivered (before: the refusal's claim was tried again)", () => {
    const cfg = { ok: true as const, config: config() };
    const s = snapshot();
    const claims = new Set<string>();
    const refused = onReleasePublished(cfg, s, undefined, "no sums here\n");
    expect(refused.claim).toBeDefined();
    apply(s, refused, claims);
    expect(s.checkRuns.find((c) => c.name === RELEASE_CHECK)?.conclusion).toBe("failure");
    const again = onReleasePublished(cfg, s, undefined, "no sums here\n");
    expect(again.effects).toEqual([]);
    expect(again.claim).toBeUndefined();
  });

  it("dispatches through the claim when the release check run exists but stage 1 has none yet", () => {
    // A replica that read after the claimant created `shipline` but before it dispatched: the claim decides.
    const cfg = { ok: true as const, config: config() };
    const s = snapshot();
    const first = onReleasePublished(cfg, s, undefined, SUMS);
    apply(s, { ...first, effects: first.effects.filter((e) => e.kind === "create-check") }, new Set());
    expect(alreadyStarted(cfg, s)).toBeUndefined();
    const again = onReleasePublished(cfg, s, undefined, SUMS);
    const dispatch = again.effects.find((e) => e.kind === "dispatch");
    expect(dispatch && "claim" in dispatch ? dispatch.claim : undefined).toMatch(
      /^refs\/shipline\/v2\.0\.0\/staging-rollout/,
    );
  });
});
