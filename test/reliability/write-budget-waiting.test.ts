// A release whose writes must wait for the installation's write budget is shown waiting, ahead of the queue:
// the pacer's `first` lane, its estimate of the wait, and the core's decision of what the release shows.
import { describe, expect, it } from "vitest";
import { isPriorityWrite, MemoryBudget, WritePacer, withWritePriority } from "../../src/app/write-budget.js";
import { parseConfig } from "../../src/config/index.js";
import type { Config } from "../../src/config/types.js";
import { BUDGET_NOTICE_MS, budgetPlaceholder, budgetWait } from "../../src/pipeline/budget-wait.js";
import { onReleasePublished } from "../../src/pipeline/published.js";
import type { Snapshot } from "../../src/pipeline/types.js";
import { pipelineRelease } from "../support/pipeline-release.js";

function config(): Config {
  const r = parseConfig(
    'artifacts: { assets: ["a.tar.gz"] }\nstages:\n  - { name: staging }\n  - { name: production }\n',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}
const snapshot = (): Snapshot => ({
  release: pipelineRelease({
    id: 7,
    tag: "v2.0.0",
    sha: "b".repeat(40),
    htmlUrl: "https://example.test/o/r/releases/tag/v2.0.0",
  }),
  checkRuns: [],
});
const NOW = new Date("2026-12-01T17:00:00Z");

describe("the pacer's first lane", () => {
  it("lets a first write go before the writes queued ahead of it, still one at a time", async () => {
    let now = 0;
    const store = new MemoryBudget(() => now);
    const sleeps: number[] = [];
    const pacer = new WritePacer({
      windows: [{ limit: 2, windowMs: 1_000 }],
      spacingMs: 0,
      store,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    });
    const order: string[] = [];
    const write = (name: string, first = false) =>
      pacer.acquire("k", first).then(async (turn) => {
        order.push(name);
        await turn.done();
      });
    const all = [write("a"), write("b"), write("c"), write("d"), write("shown", true), write("e")];
    expect(pacer.queued("k")).toBe(6);
    await Promise.all(all);
    // a was already taking its turn; the first write jumps every write still queued.
    expect(order).toEqual(["a", "shown", "b", "c", "d", "e"]);
    expect(pacer.queued("k")).toBe(0);
    expect(sleeps.length).toBeGreaterThan(0);
  });

  it("estimates the wait from the store and the writes queued ahead", async () => {
    let now = 0;
    const store = new MemoryBudget(() => now);
    const pacer = new WritePacer({ windows: [{ limit: 80, windowMs: 60_000 }], spacingMs: 1_000, store });
    expect(await pacer.expectedWait("k")).toBe(0);
    const turn = await pacer.acquire("k");
    await turn.done();
    // The spacing holds the next write a second; nothing queued behind.
    expect(await pacer.expectedWait("k")).toBe(1_000);
    expect(await store.peek("k", pacer.options.windows, 1_000)).toBe(1_000);
    // Peeking recorded nothing: one write in the log, the next goes after the spacing.
    now += 1_000;
    expect((await store.take("k", pacer.options.windows, 1_000)).wait).toBe(0);
  });

  it("counts the writes announced before a handler's, so a burst that has not written yet still shows its wait", async () => {
    const store = new MemoryBudget(() => 0);
    const pacer = new WritePacer({ windows: [{ limit: 80, windowMs: 60_000 }], spacingMs: 1_000, store });
    const tickets = Array.from({ length: 4 }, () => pacer.announce("k", 4));
    expect(tickets.map((t) => t.ahead())).toEqual([0, 4, 8, 12]);
    expect(await tickets[3]!.expectedWait()).toBe(12_000);
    tickets[0]!.end();
    tickets[1]!.end();
    expect(tickets[3]!.ahead()).toBe(4);
    // Another installation is apart.
    expect(pacer.announce("other", 4).ahead()).toBe(0);
  });

  it("marks writes made inside withWritePriority, and only those", async () => {
    expect(isPriorityWrite()).toBe(false);
    expect(await withWritePriority(async () => isPriorityWrite())).toBe(true);
    expect(isPriorityWrite()).toBe(false);
  });
});

describe("a release waiting for the write budget", () => {
  it("is shown queued with why and for how long, and a redelivery starts it in that same check run", () => {
    const cfg = config();
    const snap = snapshot();
    const decision = onReleasePublished({ ok: true, config: cfg, problems: [] } as never, snap);
    expect(budgetWait(cfg, snap, decision, { waitMs: BUDGET_NOTICE_MS - 1, ahead: 3 }, NOW)).toBeUndefined();
    const wait = budgetWait(cfg, snap, decision, { waitMs: 42_400, ahead: 37 }, NOW)!;
    expect(wait).toMatchObject({
      kind: "create-check",
      name: "shipline",
      status: "queued",
      title: "Waiting for GitHub's write budget: v2.0.0 starts in about 42 s",
    });
    expect(wait.summary).toContain("37 writes ahead of [`v2.0.0`]");
    expect(wait.summary).toContain("`staging` → `production`");

    // Shown, and the App stopped before starting it (a crash): a redelivery starts the pipeline in the
    // placeholder, updating it (no second `shipline` check run).
    const { kind: _k, ...shown } = wait;
    snap.checkRuns.push({ ...shown, id: 901, conclusion: null });
    expect(budgetPlaceholder(snap)?.id).toBe(901);
    const started = onReleasePublished({ ok: true, config: cfg, problems: [] } as never, snap);
    const release = started.effects.filter((e) => "name" in e && e.name === "shipline");
    expect(release).toEqual([
      expect.objectContaining({ kind: "update-check", id: 901, status: "in_progress" }),
    ]);
    expect(started.effects.some((e) => e.kind === "create-check" && e.name === "shipline")).toBe(false);
    expect(started.effects.some((e) => e.kind === "dispatch")).toBe(true);
    // Nothing more to show once it started (or for a release that already has its check run).
    expect(budgetWait(cfg, snap, started, { waitMs: 60_000, ahead: 9 }, NOW)).toBeUndefined();
  });
});
