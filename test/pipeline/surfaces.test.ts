// What the check runs say never contradicts what happened: the release's `shipline` check run ends with the
// release's fate and a timeline of it, a held stage never reads "dispatched", a canary's texts say it is a canary.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Config } from "../../src/config/types.js";
import type { GateResult } from "../../src/gates/types.js";
import type { ReleaseEvent } from "../../src/notify/event.js";
import { headline } from "../../src/notify/slack-message.js";
import { dispatchedCheck } from "../../src/pipeline/dispatch-outcome.js";
import { holdDispatch } from "../../src/pipeline/hold.js";
import { projectChecks } from "../../src/pipeline/project.js";
import { dispatchEffect } from "../../src/pipeline/published.js";
import { releaseUnheld } from "../../src/pipeline/release-check.js";
import { findCheck, stageViews } from "../../src/pipeline/state.js";
import { onDeploymentStatus } from "../../src/pipeline/status.js";
import type { CheckRunState, Effect, Snapshot, StageEvent } from "../../src/pipeline/types.js";
import { encodeRecord } from "../../src/records/codec.js";

const CONFIG = `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets:
  eu-west: [web-1, web-2]
  us-east: [web-3, web-4]
stages:
  - { name: staging }
  - { name: canary, environment: production, percent: 25, every-region: true }
  - { name: production, waves: [50, 100], approvals: 0 }
`;

function config(text = CONFIG): Config {
  const r = parseConfig(text);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

const T = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, "0")}:00.000Z`;
const release = {
  id: 1,
  tag: "v1.2.0",
  sha: "a".repeat(40),
  author: "alice",
  draft: false,
  prerelease: false,
  htmlUrl: "https://github.com/acme/web/releases/tag/v1.2.0",
  assets: [],
};

let ids = 100;
function check(name: string, fields: Partial<CheckRunState>): CheckRunState {
  return { id: ids++, name, status: "queued", conclusion: null, summary: "", ...fields };
}
const dispatched = (minute: number, run: number) =>
  encodeRecord("dispatched", { run, at: new Date(T(minute)) });
const releaseCheck = () =>
  check("shipline", {
    status: "in_progress",
    title: "Releasing v1.2.0 through 3 stage(s)",
    startedAt: T(0),
    summary: `overview\n\n${encodeRecord("release", { tag: "v1.2.0", author: "alice", prerelease: false })}`,
  });
const done = (name: string, started: number, finished: number, run: number): CheckRunState =>
  check(`shipline / ${name}`, {
    status: "completed",
    conclusion: "success",
    title: "done",
    startedAt: T(started),
    completedAt: T(finished),
    summary: dispatched(started, run),
  });
const running = (name: string, started: number, run: number): CheckRunState =>
  check(`shipline / ${name}`, {
    status: "in_progress",
    title: "Deploying",
    startedAt: T(started),
    detailsUrl: "https://github.com/acme/web/actions/runs/1",
    summary: dispatched(started, run),
  });

function event(stage: string, state: StageEvent["state"], runId: number, extra: Partial<StageEvent> = {}) {
  return {
    release: "v1.2.0",
    stage,
    mode: "rollout",
    state,
    environment: stage === "staging" ? "staging" : "production",
    runId,
    deploymentId: runId,
    ...extra,
  } as StageEvent;
}

const writes = (effects: Effect[], name: string) =>
  effects.filter(
    (e): e is Extract<Effect, { kind: "create-check" | "update-check" }> =>
      (e.kind === "create-check" || e.kind === "update-check") && e.name === name,
  );
const timelineRows = (summary: string) =>
  (summary.split("### Timeline")[1] ?? "").split("\n").filter((l) => /^\| \d{4}-/.test(l));

describe("the release's shipline check run ends with the release's fate", () => {
  it("fully deployed: success, with every stage's outcome in time order and nothing 'started' at publish", () => {
    const snapshot: Snapshot = {
      release,
      checkRuns: [
        releaseCheck(),
        done("staging", 1, 2, 11),
        done("canary", 3, 4, 12),
        running("production", 5, 13),
      ],
    };
    const d = onDeploymentStatus(
      config(),
      snapshot,
      event("production", "success", 13),
      undefined,
      new Date(T(6)),
    );
    const [fate] = writes(d.effects, "shipline");
    expect(fate).toMatchObject({
      status: "completed",
      conclusion: "success",
      title: "v1.2.0 is fully deployed",
    });
    const rows = timelineRows(fate!.summary);
    expect(rows.map((r) => r.split(" | ").slice(1, 3).join(" | ").replace(/ \|$/, ""))).toEqual([
      "release | release in progress: Releasing v1.2.0 through 3 stage(s)",
      "staging | deploy job dispatched (workflow run 11)",
      "staging | staging success: done",
      "canary | deploy job dispatched (workflow run 12)",
      "canary | canary success: done",
      "production | deploy job dispatched (workflow run 13)",
      "production | production success: v1.2.0 is live in production",
    ]);
    expect(rows[6]).toContain("2026-12-01 10:06:00Z");
    expect(fate!.summary).not.toMatch(/production (queued|in progress|started)/);
  });

  it("failed in the canary, then rolled back: one timeline with the failure and the rollback, canary words", () => {
    const snapshot: Snapshot = {
      release,
      checkRuns: [releaseCheck(), done("staging", 1, 2, 11), running("canary", 3, 12)],
    };
    const failed = onDeploymentStatus(
      config(),
      snapshot,
      event("canary", "failure", 12, { verification: "failed" }),
      "v1.1.0",
      new Date(T(5)),
    );
    // The failed stage says so at once, and where it goes back to; the release's own check run is not written
    // now (its fate is the rollback's, not yet known) but once, when the rollback ends (issue 17: one write less).
    expect(writes(failed.effects, "shipline")).toEqual([]);
    const [stage] = writes(failed.effects, "shipline / canary");
    expect(stage).toMatchObject({
      status: "completed",
      conclusion: "failure",
      title: "Verification of v1.2.0 failed in canary",
    });
    expect(stage!.summary).toContain("Rolling the canary hosts back to `v1.1.0` automatically.");
    expect(stage!.summary).not.toMatch(/Rolling production back/);
    const rollback = failed.effects.find((e) => e.kind === "dispatch");
    expect(rollback).toMatchObject({ inputs: { mode: "rollback", release: "v1.1.0", from: "v1.2.0" } });

    const after = projectChecks(snapshot, failed.effects, new Date(T(5)));
    const back = onDeploymentStatus(
      config(),
      after,
      { ...event("canary", "success", 14), mode: "rollback", release: "v1.1.0", from: "v1.2.0" },
      undefined,
      new Date(T(7)),
    );
    const [final] = writes(back.effects, "shipline");
    expect(final).toMatchObject({
      status: "completed",
      conclusion: "failure",
      title: "v1.2.0 rolled back to v1.1.0",
    });
    expect(final!.summary).toContain("the canary hosts (2 of 4 in production) run `v1.1.0` again");
    // What failed, and the pipeline as it is now (not as it was at publish), come with the fate.
    expect(final!.summary).toContain("❌ Verification of v1.2.0 failed in canary.");
    expect(final!.summary).toMatch(/canary<br\/>❌/);
    expect(timelineRows(final!.summary).join("\n")).toContain(
      "canary failure: Verification of v1.2.0 failed in canary",
    );
    expect(final!.summary).not.toMatch(/production runs `?v1\.1\.0`? again/);
    expect(final!.summary.match(/### Timeline/g)).toHaveLength(1);
    const rows = timelineRows(final!.summary);
    const failureRow = rows.findIndex((r) => r.includes("canary failure"));
    const rollbackRow = rows.findIndex((r) => r.includes("rolled back to v1.1.0"));
    expect(failureRow).toBeGreaterThan(-1);
    expect(rollbackRow).toBeGreaterThan(failureRow);
  });

  it("held by a lock: stays in progress, titled with who holds it, and goes back to 'Releasing' once dispatched", () => {
    const pipeline = config().pipelines[0]!;
    const snapshot: Snapshot = {
      release,
      checkRuns: [releaseCheck(), done("staging", 1, 2, 11), done("canary", 3, 4, 12)],
    };
    const lock: GateResult = {
      gate: "lock",
      ok: false,
      reason: "production is locked by @carol: migrating the database.",
      next: "Comment `/unlock production` to lift it.",
    };
    const dispatch = dispatchEffect(pipeline, "v1.2.0", 2, "overview") as Extract<
      Effect,
      { kind: "dispatch" }
    >;
    const effects = holdDispatch(
      pipeline,
      snapshot,
      dispatch,
      { approved: false, verdict: "reject", results: [lock], comment: "", markdown: "| lock | closed |" },
      new Date(T(5)),
    );
    const [held] = writes(effects, "shipline");
    expect(held).toMatchObject({
      kind: "update-check",
      status: "in_progress",
      title: "Held before production: production is locked by @carol: migrating the database.",
    });
    expect(held!.summary).toContain("⏸️ **Held before production:** production is locked by @carol");
    // The records the release check carries (who published it: the four-eyes gate reads it) are kept.
    expect(held!.summary).toContain("shipline:release");

    // Once the lock is lifted and production is dispatched, the release check no longer says it is held.
    const heldSnapshot = projectChecks(snapshot, effects, new Date(T(5)));
    const [unheld] = writes(releaseUnheld(pipeline, heldSnapshot), "shipline");
    expect(unheld).toMatchObject({ status: "in_progress", title: "Releasing v1.2.0 through 3 stage(s)" });
    expect(unheld!.summary).not.toContain("Held before");
    expect(unheld!.summary).toContain("shipline:release");
  });
});

describe("a stage held by a gate never shows 'dispatched'", () => {
  it("a /retry held after an earlier dispatch reads pending, in its phase and in every diagram", () => {
    const pipeline = config().pipelines[0]!;
    // production was dispatched once (run 13) and failed; its retry is held by a closed window.
    const failed = check("shipline / production", {
      status: "completed",
      conclusion: "failure",
      startedAt: T(5),
      completedAt: T(6),
      summary: dispatched(5, 13),
    });
    const snapshot: Snapshot = {
      release,
      checkRuns: [releaseCheck(), done("staging", 1, 2, 11), done("canary", 3, 4, 12), failed],
    };
    const window: GateResult = {
      gate: "window",
      ok: false,
      reason: "Outside the deploy window.",
      until: new Date(T(30)),
    };
    const dispatch = dispatchEffect(pipeline, "v1.2.0", 2, "overview") as Extract<
      Effect,
      { kind: "dispatch" }
    >;
    const effects = holdDispatch(
      pipeline,
      snapshot,
      dispatch,
      { approved: false, verdict: "reject", results: [window], comment: "", markdown: "| window | closed |" },
      new Date(T(7)),
    );
    const after = projectChecks(snapshot, effects, new Date(T(7)));
    const held = findCheck(after, "shipline / production")!;
    expect(held.status).toBe("queued");
    // The earlier dispatch's record is carried over (the audit trail), yet the stage is not "dispatched".
    expect(held.summary).toContain("shipline:dispatched");
    expect(stageViews(pipeline, after).find((v) => v.stage.name === "production")?.phase).toBe("pending");
    for (const e of writes(effects, "shipline / production"))
      expect(e.summary).not.toMatch(/production<br\/>🚀/);
  });
});

describe("a canary's texts say what it covers", () => {
  it("its success, its failure and its rollback name the canary hosts, never all of production", () => {
    const snapshot: Snapshot = {
      release,
      checkRuns: [releaseCheck(), done("staging", 1, 2, 11), running("canary", 3, 12)],
    };
    const live = onDeploymentStatus(
      config(),
      snapshot,
      event("canary", "success", 12),
      undefined,
      new Date(T(4)),
    );
    expect(writes(live.effects, "shipline / canary")[0]?.title).toBe(
      "v1.2.0 is live on 2 of 4 production hosts (canary)",
    );
    const failed = onDeploymentStatus(
      config(),
      snapshot,
      event("canary", "failure", 12),
      "v1.1.0",
      new Date(T(4)),
    );
    expect(writes(failed.effects, "shipline / canary")[0]?.title).toBe(
      "Deploying v1.2.0 to the canary hosts of production (2 of 4) failed",
    );
    // The full production stage still says production.
    const whole = onDeploymentStatus(
      config(),
      {
        release,
        checkRuns: [
          releaseCheck(),
          done("staging", 1, 2, 11),
          done("canary", 3, 4, 12),
          running("production", 5, 13),
        ],
      },
      event("production", "failure", 13),
      "v1.1.0",
      new Date(T(6)),
    );
    expect(writes(whole.effects, "shipline / production")[0]?.title).toBe(
      "Deploying v1.2.0 to production failed",
    );
    expect(writes(whole.effects, "shipline / production")[0]?.summary).toContain(
      "Rolling production back to `v1.1.0` automatically.",
    );
  });

  it("while the canary deploys, its check run says so", () => {
    const pipeline = config().pipelines[0]!;
    const dispatch = dispatchEffect(pipeline, "v1.2.0", 1, "overview") as Extract<
      Effect,
      { kind: "dispatch" }
    >;
    const written = dispatchedCheck({ ...dispatch, check: dispatch.check! }, { runId: 12 }, new Date(T(3)));
    expect(written).toMatchObject({
      status: "in_progress",
      title: "Deploying v1.2.0 to the canary hosts of production (2 of 4)",
    });
    expect(written.summary).toContain("To stop v1.2.0 before production starts, comment `/pause`");
    expect(written.actions).toBeUndefined();
  });

  it("Slack says how many hosts a canary moved", () => {
    const base: Omit<ReleaseEvent, "event" | "mode" | "outcome"> = {
      release: "v1.2.0",
      stage: "canary",
      environment: "production",
      targets: ["web-1", "web-3"],
      environment_targets: 4,
      at: T(1),
      run_url: null,
      pipeline: "default",
      message: null,
      from: null,
    };
    expect(headline({ ...base, event: "stage.succeeded", mode: "rollout", outcome: "success" })).toBe(
      "`v1.2.0` is live on 2 of 4 `production` hosts (*canary*)",
    );
    expect(
      headline({
        ...base,
        release: "v1.1.0",
        from: "v1.2.0",
        event: "rollback.started",
        mode: "rollback",
        outcome: "started",
      }),
    ).toBe("Rolling the *canary* hosts (2 of 4 in `production`) back to `v1.1.0` from `v1.2.0`");
    expect(
      headline({
        ...base,
        release: "v1.1.0",
        from: "v1.2.0",
        event: "rollback.succeeded",
        mode: "rollback",
        outcome: "success",
      }),
    ).toBe("The *canary* hosts (2 of 4 in `production`) run `v1.1.0` again instead of `v1.2.0`");
    expect(
      headline({
        ...base,
        stage: "production",
        targets: ["web-1", "web-2", "web-3", "web-4"],
        event: "stage.succeeded",
        mode: "rollout",
        outcome: "success",
      }),
    ).toBe("`v1.2.0` is deployed to *production* (`production`)");
  });
});
