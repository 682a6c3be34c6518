// What applyDecision writes to GitHub: one write per check run per decision, a stage's check run created by
// its dispatch (in progress, with the run), nothing written that is already there.
import { describe, expect, it } from "vitest";
import { type ApplyTiming, applyDecision } from "../../src/github/apply.js";
import type { GitHubGateway } from "../../src/github/gateway.js";
import type { Decision, Effect, Snapshot } from "../../src/pipeline/types.js";
import { decodeRecords, encodeRecord } from "../../src/records/codec.js";

interface Write {
  method: "POST" | "PATCH";
  id?: number;
  name: string;
  status: string;
  conclusion?: string;
  title: string;
  summary: string;
  detailsUrl?: string;
  actions?: unknown[];
}

function fakeGateway(options: { taken?: string[]; dispatchFails?: boolean } = {}) {
  const writes: Write[] = [];
  const refs = new Set(options.taken ?? []);
  const dispatches: string[] = [];
  let nextId = 500;
  const gw = {
    repo: { owner: "o", repo: "r" },
    async createCheck(_sha: string, check: Omit<Write, "method">) {
      writes.push({ method: "POST", ...check });
      return nextId++;
    },
    async updateCheck(id: number, check: Omit<Write, "method">) {
      writes.push({ method: "PATCH", id, ...check });
    },
    async claim(ref: string) {
      if (refs.has(ref)) return false;
      refs.add(ref);
      return true;
    },
    async release(ref: string) {
      refs.delete(ref);
    },
    async dispatch(workflow: string) {
      if (options.dispatchFails)
        throw Object.assign(new Error("Workflow does not have 'workflow_dispatch' trigger"), { status: 422 });
      dispatches.push(workflow);
      return { runId: 77, runUrl: "https://github.com/o/r/actions/runs/77" };
    },
    async findRun() {
      return undefined;
    },
  };
  return { gw: gw as unknown as GitHubGateway, writes, dispatches };
}

const log = { info() {}, warn() {}, error() {} };
const timing: ApplyTiming = {
  now: () => new Date("2026-12-01T12:00:00Z"),
  sleep: async () => {},
  lookups: [],
};

const snapshot = (checkRuns: Snapshot["checkRuns"] = []): Snapshot => ({
  release: {
    id: 1,
    tag: "v1.0.0",
    sha: "a".repeat(40),
    author: "alice",
    draft: false,
    prerelease: false,
    htmlUrl: "https://github.com/o/r/releases/tag/v1.0.0",
    assets: [],
  },
  checkRuns,
});

const check = (id: number, name: string, summary: string, status: "queued" | "in_progress" = "queued") => ({
  id,
  name,
  status,
  conclusion: null,
  title: "t",
  summary,
  detailsUrl: null,
});

const dispatchOf = (stage: string, actions = true): Extract<Effect, { kind: "dispatch" }> => ({
  kind: "dispatch",
  claim: `refs/shipline/v1.0.0/${stage}-rollout-1`,
  workflow: "shipline.yml",
  ref: "v1.0.0",
  check: {
    name: `shipline / ${stage}`,
    summary: "overview (pending)",
    deploying: "overview (deploying)",
    ...(actions
      ? { actions: [{ label: "Rollback", description: "Roll back", identifier: "rollback" }] }
      : {}),
  },
  inputs: { release: "v1.0.0", stage, mode: "rollout", pipeline: "default", environment: stage },
});

const approval = encodeRecord("awaiting-approval", { run: 5, environment: "production" });

describe("applyDecision's writes", () => {
  it("writes one check run once per decision: the last state, with the records the earlier writes added", async () => {
    const { gw, writes } = fakeGateway();
    const decision: Decision = {
      reason: "test",
      claim: "refs/shipline/v1.0.0/x",
      effects: [
        {
          kind: "update-check",
          id: 7,
          name: "shipline",
          status: "in_progress",
          title: "first",
          summary: `one\n\n${approval}`,
        },
        {
          kind: "update-check",
          id: 7,
          name: "shipline",
          status: "completed",
          conclusion: "success",
          title: "last",
          summary: "two",
        },
      ],
    };
    await applyDecision(gw, snapshot([check(7, "shipline", "before")]), decision, log, undefined, timing);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      method: "PATCH",
      id: 7,
      status: "completed",
      conclusion: "success",
      title: "last",
    });
    expect(writes[0]!.summary).toContain("two");
    expect(writes[0]!.summary).toContain(approval);
  });

  it("creates a check run already in its final state instead of creating it and updating it", async () => {
    const { gw, writes } = fakeGateway();
    await applyDecision(
      gw,
      snapshot(),
      {
        reason: "test",
        claim: "refs/shipline/v1.0.0/x",
        effects: [
          {
            kind: "create-check",
            name: "shipline / canary",
            status: "queued",
            title: "Starting",
            summary: "s",
          },
          {
            kind: "update-check",
            id: 1,
            name: "shipline / canary",
            status: "completed",
            conclusion: "skipped",
            title: "Skipped",
            summary: "s2",
          },
        ],
      },
      log,
      undefined,
      timing,
    );
    expect(writes).toEqual([
      expect.objectContaining({
        method: "POST",
        name: "shipline / canary",
        status: "completed",
        conclusion: "skipped",
        title: "Skipped",
      }),
    ]);
  });

  it("keeps a fresh check run and an update of an older one of the same name apart", async () => {
    const { gw, writes } = fakeGateway();
    await applyDecision(
      gw,
      snapshot([check(3, "shipline / canary", "old")]),
      {
        reason: "test",
        claim: "refs/shipline/v1.0.0/x",
        effects: [
          { kind: "create-check", name: "shipline / canary", status: "queued", title: "Fresh", summary: "s" },
          {
            kind: "update-check",
            id: 3,
            name: "shipline / canary",
            status: "completed",
            conclusion: "skipped",
            title: "Old",
            summary: "o",
          },
        ],
      },
      log,
      undefined,
      timing,
    );
    expect(writes.map((w) => [w.method, w.title])).toEqual([
      ["POST", "Fresh"],
      ["PATCH", "Old"],
    ]);
  });

  it("creates a stage's check run when its dispatch is answered: in progress, with the run, the record and the buttons", async () => {
    const { gw, writes, dispatches } = fakeGateway();
    await applyDecision(
      gw,
      snapshot(),
      { reason: "test", effects: [dispatchOf("staging")] },
      log,
      undefined,
      timing,
    );
    expect(dispatches).toEqual(["shipline.yml"]);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      method: "POST",
      name: "shipline / staging",
      status: "in_progress",
      title: "Deploying v1.0.0 to staging",
      detailsUrl: "https://github.com/o/r/actions/runs/77",
      actions: [expect.objectContaining({ identifier: "rollback" })],
    });
    expect(writes[0]!.summary).toContain("overview (deploying)");
    expect(decodeRecords("dispatched", writes[0]!.summary)).toEqual([expect.objectContaining({ run: 77 })]);
  });

  it("folds a write of the stage's check run that precedes its dispatch into the dispatch's one write", async () => {
    const { gw, writes } = fakeGateway();
    const effects: Effect[] = [
      {
        kind: "update-check",
        id: 9,
        name: "shipline / canary",
        status: "queued",
        title: "Retrying",
        summary: `retry\n\n${approval}`,
      },
      dispatchOf("canary"),
    ];
    await applyDecision(
      gw,
      snapshot([check(9, "shipline / canary", "old")]),
      { reason: "t", effects },
      log,
      undefined,
      timing,
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ method: "PATCH", id: 9, status: "in_progress" });
    expect(writes[0]!.summary).toContain(approval);
  });

  it("still writes the folded write when the dispatch's own claim is taken", async () => {
    const { gw, writes, dispatches } = fakeGateway({ taken: ["refs/shipline/v1.0.0/canary-rollout-1"] });
    const effects: Effect[] = [
      {
        kind: "update-check",
        id: 9,
        name: "shipline / canary",
        status: "queued",
        title: "Waiting",
        summary: "w",
      },
      dispatchOf("canary"),
    ];
    await applyDecision(
      gw,
      snapshot([check(9, "shipline / canary", "old")]),
      { reason: "t", claim: "refs/shipline/v1.0.0/cmd-1", effects },
      log,
      undefined,
      timing,
    );
    expect(dispatches).toEqual([]);
    expect(writes).toEqual([expect.objectContaining({ method: "PATCH", id: 9, title: "Waiting" })]);
  });

  it("shows a refused dispatch on a check run it creates, and gives the claim back", async () => {
    const { gw, writes } = fakeGateway({ dispatchFails: true });
    await applyDecision(
      gw,
      snapshot(),
      { reason: "t", effects: [dispatchOf("staging")] },
      log,
      undefined,
      timing,
    );
    expect(writes).toEqual([
      expect.objectContaining({
        method: "POST",
        name: "shipline / staging",
        status: "completed",
        conclusion: "failure",
        title: "Could not start the deploy workflow",
      }),
    ]);
  });

  it("never writes what is already there", async () => {
    const { gw, writes } = fakeGateway();
    const current = check(7, "shipline", "same", "in_progress");
    await applyDecision(
      gw,
      snapshot([{ ...current, title: "T" }]),
      {
        reason: "t",
        claim: "refs/shipline/v1.0.0/x",
        effects: [
          {
            kind: "update-check",
            id: 7,
            name: "shipline",
            status: "in_progress",
            title: "T",
            summary: "same",
          },
        ],
      },
      log,
      undefined,
      timing,
    );
    expect(writes).toEqual([]);
  });
});

describe("a check run shown first (a release waiting for the write budget)", () => {
  const waiting = {
    name: "shipline",
    status: "queued" as const,
    title: "Waiting for GitHub's write budget: v1.0.0 starts in about 9 s",
    summary: "queued",
  };
  const start: Decision = {
    reason: "start",
    effects: [
      {
        kind: "create-check",
        name: "shipline",
        status: "in_progress",
        title: "Releasing",
        summary: "overview",
      },
      dispatchOf("staging"),
    ],
  };

  it("is written right after the claim, through the priority lane, and the pipeline starts in it", async () => {
    const { gw, writes, dispatches } = fakeGateway();
    const lane: string[] = [];
    const priority = async <T>(work: () => Promise<T>) => {
      lane.push(`before ${writes.length}`);
      return work();
    };
    await applyDecision(gw, snapshot(), start, log, undefined, timing, {
      first: { check: waiting, priority },
    });
    // The claim, then the placeholder, both up front; then the decision: shipline updated, not created again.
    expect(lane).toEqual(["before 0", "before 0"]);
    expect(writes.map((w) => `${w.method} ${w.name} ${w.status} ${w.title}`)).toEqual([
      `POST shipline queued ${waiting.title}`,
      "PATCH shipline in_progress Releasing",
      "POST shipline / staging in_progress Deploying v1.0.0 to staging",
    ]);
    expect(writes[1]!.id).toBe(500);
    expect(dispatches).toEqual(["shipline.yml"]);
  });

  it("is not written by a replica that finds the claim taken", async () => {
    const { gw, writes, dispatches } = fakeGateway({ taken: ["refs/shipline/v1.0.0/staging-rollout-1"] });
    const applied = await applyDecision(gw, snapshot(), start, log, undefined, timing, {
      first: { check: waiting, priority: (work) => work() },
    });
    expect(applied.claimed).toBe(false);
    expect(writes).toEqual([]);
    expect(dispatches).toEqual([]);
  });
});
