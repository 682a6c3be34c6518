// The bake on the App's clock, as the pure core decides it: a 48h canary bake with a round every 4h, driven by a
// fake clock and deployment_status events, with effects applied to an in-memory GitHub (check runs and claims).
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Config } from "../../src/config/types.js";
import { bakeGate } from "../../src/gates/bake.js";
import { bakeTimes, decideBake, laterRoundChecks, parseRoundReason } from "../../src/pipeline/bake.js";
import { gateContext } from "../../src/pipeline/gate-context.js";
import { bakeWaitingRef, parseWaitingRef } from "../../src/pipeline/hold.js";
import { onDeploymentStatus, onReleasePublished } from "../../src/pipeline/index.js";
import { previousGoodRelease } from "../../src/pipeline/previous-release.js";
import type { Decision, Effect, Snapshot, StageEvent } from "../../src/pipeline/types.js";
import { encodeRecord } from "../../src/records/codec.js";

const TAG = "v1.2.0";
const T0 = new Date("2026-12-01T10:00:00Z");
const hours = (h: number) => new Date(T0.getTime() + h * 3_600_000);

function configOf(
  extra = "",
  checks = "checks: { smoke: { smoke: { url: 'http://{target}/health' } } }",
): Config {
  const parsed = parseConfig(`
targets: { eu: [web-1, web-2] }
rollback: { automatic: true, lock: true }
stages:
  - { name: canary, environment: production, percent: 50, bake: 48h, interval: 4h, verify: [smoke]${extra} }
  - { name: production, approvals: 0 }
${checks}
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

class FakeGitHub {
  snapshot: Snapshot;
  claims = new Set<string>();
  waiting = new Set<string>();
  dispatches: Extract<Effect, { kind: "dispatch" }>[] = [];
  locks: string[] = [];
  private id = 1;
  constructor() {
    this.snapshot = {
      release: {
        id: 1,
        tag: TAG,
        sha: "a".repeat(40),
        author: "alice",
        draft: false,
        prerelease: false,
        htmlUrl: "https://example/release",
        assets: [],
      },
      checkRuns: [],
    };
  }
  apply(decision: Decision): boolean {
    const guard = decision.claim ?? decision.effects.find((e) => e.kind === "dispatch")?.claim;
    if (guard) {
      if (this.claims.has(guard)) return false;
      this.claims.add(guard);
    }
    for (const e of decision.effects) {
      if (e.kind === "create-check")
        this.snapshot.checkRuns.push({ id: this.id++, conclusion: e.conclusion ?? null, ...e });
      else if (e.kind === "update-check")
        Object.assign(this.snapshot.checkRuns.find((c) => c.id === e.id)!, {
          status: e.status,
          conclusion: e.conclusion ?? null,
          title: e.title,
          summary: e.summary,
        });
      else if (e.kind === "dispatch") {
        if (e.claim !== guard && this.claims.has(e.claim)) continue;
        this.claims.add(e.claim);
        this.dispatches.push(e);
      } else if (e.kind === "mark-waiting") this.waiting.add(e.ref);
      else if (e.kind === "clear-waiting") this.waiting.delete(e.ref);
      else if (e.kind === "lock") this.locks.push(e.environment);
    }
    return true;
  }
  check(name: string) {
    return this.snapshot.checkRuns.filter((c) => c.name === name).at(-1)!;
  }
}

function event(
  mode: StageEvent["mode"],
  state: StageEvent["state"],
  more: Partial<StageEvent> = {},
): StageEvent {
  return { release: TAG, stage: "canary", mode, state, environment: "production", deploymentId: 7, ...more };
}

/** Published, canary rolled out with its round 0 passed at T0: baking. */
function baking(config = configOf()) {
  const gh = new FakeGitHub();
  gh.apply(onReleasePublished({ ok: true, config, problems: [] } as never, gh.snapshot));
  gh.apply(onDeploymentStatus(config, gh.snapshot, event("rollout", "in_progress"), undefined, T0));
  gh.apply(onDeploymentStatus(config, gh.snapshot, event("rollout", "success"), undefined, T0));
  return gh;
}

const pipeline = (config: Config) => config.pipelines[0]!;
const tick = (gh: FakeGitHub, config: Config, at: Date) =>
  gh.apply(decideBake(pipeline(config), gh.snapshot, "canary", at));
const verifyJobs = (gh: FakeGitHub) => gh.dispatches.filter((d) => d.inputs.mode === "verify");

describe("a 48h canary bake on the App's clock", () => {
  it("starts when the rollout succeeds: in progress, recorded, waiting, next stage not dispatched", () => {
    const config = configOf();
    const gh = baking(config);
    const canary = gh.check("shipline / canary");
    expect(canary.status).toBe("in_progress");
    expect(canary.title).toBe("Baking v1.2.0 in canary: round 0 passed, 2d left");
    expect(canary.summary).toContain(encodeRecord("baking", { since: T0.toISOString() }));
    expect(canary.summary).toContain("12 rounds after the rollout's");
    // No button shows on an in-progress check run: the summary says how to stop the release before production.
    expect(canary.summary).toContain("To stop v1.2.0 before production starts, comment `/pause`");
    expect(gh.waiting).toEqual(new Set([bakeWaitingRef(TAG, "canary")]));
    expect(gh.dispatches.filter((d) => d.inputs.stage === "production")).toEqual([]);
    // A redelivered success starts no second bake.
    expect(
      onDeploymentStatus(config, gh.snapshot, event("rollout", "success"), undefined, hours(1)).effects,
    ).toEqual([]);
  });

  it("runs round k at since + k x 4h, one at a time, then promotes after 48h and 12 passed rounds", () => {
    const config = configOf();
    const gh = baking(config);
    tick(gh, config, hours(3.9));
    expect(verifyJobs(gh)).toEqual([]);
    for (let k = 1; k <= 12; k++) {
      tick(gh, config, hours(4 * k + 0.05));
      // A second tick while the round is in flight (another replica, the next tick) dispatches nothing.
      tick(gh, config, hours(4 * k + 0.1));
      expect(verifyJobs(gh)).toHaveLength(k);
      const job = verifyJobs(gh).at(-1)!;
      expect(job.claim).toBe(`refs/shipline/${TAG}/canary-verify-${k}`);
      expect(job.inputs).toMatchObject({ mode: "verify", stage: "canary", reason: `round ${k} of 12` });
      expect(gh.check("shipline / canary").title).toMatch(
        new RegExp(`^Baking v1.2.0 in canary: round ${k} of 12 running`),
      );
      expect(gh.dispatches.some((d) => d.inputs.stage === "production")).toBe(false);
      gh.apply(
        onDeploymentStatus(config, gh.snapshot, event("verify", "success"), undefined, hours(4 * k + 0.2)),
      );
      if (k < 12) {
        expect(gh.check("shipline / canary").status).toBe("in_progress");
        expect(gh.check("shipline / canary").title).toContain(`round ${k} of 12 passed`);
      }
    }
    const canary = gh.check("shipline / canary");
    expect(canary).toMatchObject({ status: "completed", conclusion: "success" });
    expect(canary.title).toBe("v1.2.0 baked 2d in canary: 12 rounds passed");
    expect(gh.dispatches.map((d) => `${d.inputs.stage}/${d.inputs.mode}`).at(-1)).toBe("production/rollout");
    expect(gh.waiting.size).toBe(0);
    // The clock looking again afterwards only clears the (already gone) waiting ref.
    expect(decideBake(pipeline(config), gh.snapshot, "canary", hours(49)).effects).toEqual([
      { kind: "clear-waiting", ref: bakeWaitingRef(TAG, "canary") },
    ]);
  });

  it("a round failing at hour 28-32 fails the stage, rolls it back, skips production and locks", () => {
    const config = configOf();
    const gh = baking(config);
    for (let k = 1; k <= 6; k++) {
      tick(gh, config, hours(4 * k));
      gh.apply(onDeploymentStatus(config, gh.snapshot, event("verify", "success"), undefined, hours(4 * k)));
    }
    tick(gh, config, hours(28.1));
    const failed = onDeploymentStatus(
      config,
      gh.snapshot,
      event("verify", "failure", { verification: "failed", description: "smoke failed on web-1" }),
      "v1.1.0",
      hours(28.2),
    );
    gh.apply(failed);
    const canary = gh.check("shipline / canary");
    expect(canary).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(canary.title).toBe("Verification of v1.2.0 failed in canary");
    expect(canary.summary).toContain('"k":7,"outcome":"failed"');
    const rollback = gh.dispatches.at(-1)!;
    expect(rollback.inputs).toMatchObject({
      mode: "rollback",
      release: "v1.1.0",
      from: TAG,
      stage: "canary",
    });
    expect(gh.locks).toEqual(["production"]);
    expect(gh.check("shipline / production")).toMatchObject({ conclusion: "skipped" });
    expect(gh.waiting.size).toBe(0);
    expect(gh.dispatches.some((d) => d.inputs.stage === "production")).toBe(false);
  });

  it("a verify job that failed without a verdict is inconclusive: a human decides", () => {
    const config = configOf();
    const gh = baking(config);
    tick(gh, config, hours(4));
    gh.apply(onDeploymentStatus(config, gh.snapshot, event("verify", "failure"), "v1.1.0", hours(4.1)));
    const canary = gh.check("shipline / canary");
    expect(canary).toMatchObject({ status: "completed", conclusion: "action_required" });
    expect(canary.summary).toContain("the verify job of round 1 of 12 failed without a verification verdict");
    expect(gh.dispatches.filter((d) => d.inputs.mode === "rollback")).toEqual([]);
  });

  it("a late clock runs only the newest due round; a lost verify job is dispatched again", () => {
    const config = configOf();
    const gh = baking(config);
    tick(gh, config, hours(21));
    expect(verifyJobs(gh).map((d) => d.inputs.reason)).toEqual(["round 5 of 12"]);
    expect(gh.check("shipline / canary").summary).toContain(
      "| 4 of 12 | 2026-12-02T02:00:00Z | not run (the clock came late) |  |",
    );
    tick(gh, config, hours(21.9));
    expect(verifyJobs(gh)).toHaveLength(1);
    // Round 5's job never reported; an hour later (the 4h interval is longer) round 6 is due and dispatched.
    tick(gh, config, hours(25.1));
    expect(verifyJobs(gh).map((d) => d.claim.split("/").pop())).toEqual([
      "canary-verify-5",
      "canary-verify-6",
    ]);
  });

  it("a /rollback while baking ends the bake: no more rounds, nothing promoted", () => {
    const config = configOf();
    const gh = baking(config);
    tick(gh, config, hours(4));
    gh.apply(onDeploymentStatus(config, gh.snapshot, event("verify", "success"), undefined, hours(4.1)));
    gh.check("shipline").summary += `\n${encodeRecord("rolled-back", { to: "v1.1.0", stage: "canary" })}`;
    tick(gh, config, hours(8));
    expect(gh.check("shipline / canary")).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      title: "Bake of v1.2.0 in canary ended: rolled back to v1.1.0",
    });
    expect(verifyJobs(gh)).toHaveLength(1);
    tick(gh, config, hours(49));
    expect(gh.dispatches.filter((d) => d.inputs.stage === "production")).toEqual([]);
    expect(gh.waiting.size).toBe(0);
  });

  it("a verify run nobody dispatched (no round in flight) changes nothing", () => {
    const config = configOf();
    const gh = baking(config);
    const d = onDeploymentStatus(
      config,
      gh.snapshot,
      event("verify", "failure", { verification: "failed" }),
      "v1.1.0",
      hours(1),
    );
    expect(d.effects).toEqual([]);
    expect(d.reason).toContain("no verification round in flight");
  });

  it("a stage without verify checks bakes with no rounds and succeeds after its time", () => {
    const bare = parseConfig(`
targets: { eu: [web-1] }
stages:
  - { name: canary, environment: production, bake: 30m }
  - { name: production, approvals: 0 }
`);
    if (!bare.ok) throw new Error("bad");
    const gh = baking(bare.config);
    expect(gh.check("shipline / canary").title).toBe("Baking v1.2.0 in canary: 30m left");
    tick(gh, bare.config, hours(0.4));
    expect(gh.check("shipline / canary").status).toBe("in_progress");
    tick(gh, bare.config, hours(0.5));
    expect(gh.check("shipline / canary")).toMatchObject({
      conclusion: "success",
      title: "v1.2.0 baked 30m in canary",
    });
    expect(verifyJobs(gh)).toEqual([]);
  });

  it("a hotfix skips the bake: the rollout's success completes the stage", () => {
    const config = configOf();
    const gh = new FakeGitHub();
    gh.apply(onReleasePublished({ ok: true, config, problems: [] } as never, gh.snapshot));
    const release = gh.check("shipline");
    release.summary += `\n${encodeRecord("hotfix", { release: TAG, by: "bob", reason: "CVE", at: T0.toISOString() })}`;
    gh.apply(onDeploymentStatus(config, gh.snapshot, event("rollout", "success"), undefined, T0));
    expect(gh.check("shipline / canary")).toMatchObject({ status: "completed", conclusion: "success" });
    expect(gh.waiting.size).toBe(0);
  });

  it("the bake gate judges from the records: closed until since + bake, open once the stage baked", () => {
    const config = configOf();
    const gh = baking(config);
    const p = pipeline(config);
    const facts = (at: Date) =>
      gateContext({
        config,
        pipeline: p,
        stage: p.stages[1]!,
        mode: "rollout",
        release: { tag: TAG, author: "alice" },
        triggeredBy: "shipline",
        shiplineChecks: gh.snapshot.checkRuns,
        allChecks: [],
        now: at,
      } as never);
    const closed = bakeGate(facts(hours(30)));
    expect(closed).toMatchObject({ ok: false, until: hours(48) });
    expect(closed.reason).toBe(
      "canary is baking v1.2.0: live since 2026-12-01T10:00:00Z, 48h until 2026-12-03T10:00:00Z.",
    );
    // A canary check run completed with success but whose bake time has not passed (edited by hand, or a
    // job's word) does not open the gate.
    const canary = gh.check("shipline / canary");
    Object.assign(canary, {
      status: "completed",
      conclusion: "success",
      completedAt: hours(30).toISOString(),
    });
    expect(bakeGate(facts(hours(30)))).toMatchObject({ ok: false, until: hours(48) });
    expect(bakeGate(facts(hours(48)))).toMatchObject({ ok: true });
  });

  it("refuses a bake longer than 13 days, and names the stale check run as the reason", () => {
    const r = parseConfig("stages:\n  - { name: canary, bake: 14d }\n  - { name: production }\n");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]!.path).toContain("bake");
    expect(r.problems[0]!.message).toContain("at most 13d");
    expect(parseConfig("stages:\n  - { name: canary, bake: 13d }\n").ok).toBe(true);
  });

  it("later rounds run every check except tests that run once; a stage of run-once tests just waits", () => {
    const checks = `checks:
  smoke: { smoke: { url: 'http://{target}/health' } }
  suite: { command: { run: "npm test" } }
  soak: { command: { run: "npm run soak", every-round: true } }`;
    const both = configOf("", checks.replace("verify: [smoke]", ""));
    const stage = { ...pipeline(both).stages[0]!, verify: ["smoke", "suite", "soak"] };
    expect(laterRoundChecks(pipeline(both), stage)).toEqual(["smoke", "soak"]);
    expect(bakeTimes(pipeline(both), stage)).toMatchObject({ total: 12 });
    // A 13-day bake with a 5-minute interval spreads 48 rounds over it (the check run's summary is bounded).
    expect(bakeTimes(pipeline(both), { ...stage, bake: "13d", interval: "5m" })).toEqual({
      bakeMs: 13 * 86_400_000,
      intervalMs: 6.5 * 3_600_000,
      total: 48,
    });
    const once = { ...stage, verify: ["suite"] };
    expect(laterRoundChecks(pipeline(both), once)).toEqual([]);
    expect(bakeTimes(pipeline(both), once)).toMatchObject({ total: 0 });
  });

  it("a verify job's failed deployment makes its release no previous good release, despite earlier passes", async () => {
    // Newest first: v1.2.0's round 7 failed, its round 6 passed (then inactive), v1.1.0 is the release before.
    const deployments = [
      { id: 9, ref: "v1.2.0", createdAt: "2026-12-02T14:00:00Z", statuses: [{ state: "failure" }] },
      {
        id: 8,
        ref: "v1.2.0",
        createdAt: "2026-12-02T10:00:00Z",
        statuses: [{ state: "inactive" }, { state: "success" }],
      },
      {
        id: 5,
        ref: "v1.1.0",
        createdAt: "2026-11-30T10:00:00Z",
        statuses: [{ state: "inactive" }, { state: "success" }],
      },
    ];
    const history = {
      deployments: async (_env: string, page: number) => (page === 1 ? deployments : []),
      statuses: async (id: number) => deployments.find((d) => d.id === id)!.statuses,
    };
    expect(await previousGoodRelease(history, "production", ["v1.3.0"])).toBe("v1.1.0");
  });

  it("names bake waiting refs and verify rounds so the clock and the Action read them back", () => {
    expect(parseWaitingRef(bakeWaitingRef("release/1.0", "canary"))).toEqual({
      tag: "release/1.0",
      stage: "canary",
      kind: "bake",
    });
    expect(parseWaitingRef("refs/shipline-wait/v1/canary-rollout-waiting")).toMatchObject({ kind: "hold" });
    expect(parseRoundReason("round 3 of 12")).toEqual({ k: 3, total: 12 });
    expect(parseRoundReason("automatic")).toBeUndefined();
  });
});
