// GitHub API cost: every request the App and the Action make for a release through three stages, for a failed
// stage with automatic rollback, counted by endpoint (method + OpenAPI path template) on the GitHub stand-in.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installScript, oneStageCommand, threeStages } from "../tools/e2e/configs.js";
import { type Row, row, type Section } from "./report.js";
import { bundleAction, type Call, type CountingWorld, startCountingWorld } from "./world.js";

/** GitHub's primary rate limit for an installation token (non-Enterprise). */
export const INSTALLATION_LIMIT = 5000;
/** github/branch-deploy: requests for one `.deploy` to one environment (24 main step + 11 post step). */
export const BRANCH_DEPLOY = 35;
/** GitHub's secondary limits on content-creating requests (POST, PATCH, PUT, DELETE) per installation. */
export const WRITES_PER_MINUTE = 80;
export const WRITES_PER_HOUR = 500;
/** Issue 17's figures before this round's work: writes per release with and without the protection rule. */
export const WRITES_BEFORE = { gated: 26, plain: 20 };
/**
 * Requests measured by this bench at the start of this round (2026-12-01 13:30Z, after gates before every
 * dispatch and the clearance reads; issue 17 quoted 17 for a whole stage with the protection rule and 9 for a
 * rollback dispatch, before those).
 */
export const REQUESTS_BEFORE = { transition: 7, rollback: 9, stageGated: 20, stagePlain: 15 };
const BEFORE = "before, 12-01 13:30Z";
/** The design's floor (docs/performance.md): a dispatch, a claim, a review per stage, a check run created and completed per stage, the release's own check run. */
export const WRITES_FLOOR = { gated: 17, plain: 14 };

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);
/** A content-creating App request (what the secondary limits count; a refused 403 would not be content). */
const appWrite = (c: Call) => limited(c) && WRITE_METHODS.has(c.method) && c.status < 400;

/**
 * Releases an hour one installation can carry: the smaller of the request budget (5,000/h) and the write
 * budget (80 writes/min = 4,800/h, and 500/h: the hour limit binds).
 */
export function releasesPerHour(requests: number, writes: number) {
  const byRequests = Math.floor(INSTALLATION_LIMIT / requests);
  const byWrites = Math.floor(Math.min(WRITES_PER_MINUTE * 60, WRITES_PER_HOUR) / Math.max(1, writes));
  return { byRequests, byWrites, figure: Math.min(byRequests, byWrites) };
}

/** Stand-in gaps, as tools/e2e/world.ts lists them: environment variables (the lock) and the `waiting` status. */
const KNOWN_GAPS = [
  /environments\/\{environment_name\}\/variables/,
  /deployments\/\{deployment_id\}\/statuses\): response\[\d+\]\.state: must be equal to one of the allowed values/,
];

/** A request that counts against the installation's rate limit (304s are free; storage is not the API). */
const limited = (c: Call) => c.caller === "app" && c.status !== 304;
const apiOfAction = (c: Call) => c.caller === "action" && c.status !== 304;

export function byEndpoint(calls: readonly Call[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) {
    const key = `${c.endpoint}${c.status === 404 ? " (404)" : c.status === 304 ? " (304)" : ""}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** The stage a call belongs to: App calls by the delivery they answered, protection reviews by the preceding run. */
function stageOf(calls: readonly Call[]): string[] {
  let current = "release";
  return calls.map((c) => {
    const m = / to ([^ ]+) \[/.exec(c.during);
    if (m?.[1]) current = m[1];
    return c.during.startsWith("release.published") ? "release" : current;
  });
}

export interface Transition {
  name: string;
  calls: Call[];
}

function group(calls: readonly Call[], name: string, match: (c: Call) => boolean): Transition {
  return { name, calls: calls.filter(match) };
}

async function run(
  bundle: string,
  config: (t: string) => string,
  environments: Record<string, { customRule: boolean }>,
  body: (w: CountingWorld) => Promise<void>,
): Promise<{ calls: Call[]; exitCodes: number[]; violations: string[] }> {
  const world = await startCountingWorld({ config, environments, bundle });
  try {
    await body(world);
    return {
      calls: [...world.calls],
      exitCodes: world.actionRuns.map((a) => a.exitCode),
      violations: world.standin.violations.filter((v) => !KNOWN_GAPS.some((gap) => gap.test(v))),
    };
  } finally {
    await world.stop();
  }
}

function describeTransitions(
  ts: readonly Transition[],
): Record<string, { app: number; endpoints: Record<string, number> }> {
  return Object.fromEntries(
    ts.map((t) => [t.name, { app: t.calls.filter(limited).length, endpoints: byEndpoint(t.calls) }]),
  );
}

export async function apiCost(): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), "shipline-bench-bundle-"));
  try {
    const bundle = await bundleAction(dir);

    // 1. Three stages, Shipline's protection rule on both environments (the recommended set-up).
    const gated = await run(
      bundle,
      (t) => threeStages(t),
      { staging: { customRule: true }, production: { customRule: true } },
      async (w) => {
        await w.publish("v1.0.0");
        await w.settle();
      },
    );
    // 2. The same without the protection rule (teams without Enterprise on private repositories).
    const plain = await run(
      bundle,
      (t) => threeStages(t),
      {},
      async (w) => {
        await w.publish("v1.0.0");
        await w.settle();
      },
    );
    // 3. A failed stage with automatic rollback (as test/e2e/rollback.test.ts), protection rule on.
    let before = 0;
    const rollback = await run(
      bundle,
      (t) => oneStageCommand(t),
      { live: { customRule: true } },
      async (w) => {
        writeFileSync(join(w.targets, "install.sh"), installScript(w.targets));
        await w.publish("v1.0.0");
        await w.settle();
        before = w.calls.length;
        writeFileSync(join(w.targets, "web-2.broken"), "");
        await w.publish("v2.0.0");
        await w.settle();
      },
    );
    for (const [name, r, expect] of [
      ["three stages (protection rule)", gated, [0, 0, 0]],
      ["three stages (no protection rule)", plain, [0, 0, 0]],
      ["rollback", rollback, [0, 1, 0]],
    ] as const) {
      if (JSON.stringify(r.exitCodes) !== JSON.stringify(expect))
        throw new Error(
          `${name}: Action exit codes ${JSON.stringify(r.exitCodes)}, expected ${JSON.stringify(expect)}`,
        );
      if (r.violations.length > 0)
        throw new Error(`${name}: stand-in violations:\n${r.violations.join("\n")}`);
    }

    const g = gated.calls;
    const gStage = stageOf(g);
    const transitions: Transition[] = [
      group(
        g,
        "release.published -> stage 1 dispatched",
        (c) => c.during.startsWith("release.published") && c.caller !== "app-jwt",
      ),
      group(g, "stage 1 success -> stage 2 dispatched", (c) => /success: .* to staging \[/.test(c.during)),
      group(g, "stage 2 success -> stage 3 dispatched", (c) => /success: .* to canary \[/.test(c.during)),
      group(g, "last stage success -> release fully deployed", (c) =>
        /success: .* to production \[/.test(c.during),
      ),
      group(g, "deployment_status waiting (each stage)", (c) => /waiting: .* to canary \[/.test(c.during)),
      group(
        g,
        "protection rule review (each stage)",
        (c) => c.during.startsWith("deployment_protection_rule") && gStage[g.indexOf(c)] === "canary",
      ),
      group(g, "deployment_status in_progress (each stage)", (c) =>
        /in_progress: .* to canary \[/.test(c.during),
      ),
    ];
    const canaryApp = g.filter((c, i) => gStage[i] === "canary" && c.caller === "app");
    const canaryAction = g.filter((c) => c.caller === "action" && / to canary \[/.test(c.during));
    const canaryStorage = g.filter((c) => c.caller === "storage" && / to canary \[/.test(c.during));
    const plainStage = stageOf(plain.calls);
    const plainCanary = plain.calls.filter(
      (c, i) => plainStage[i] === "canary" && (c.caller === "app" || c.caller === "action"),
    );

    const r2 = rollback.calls.slice(before);
    const rollbackDispatch = r2.filter(
      (c) => c.caller === "app" && /failure: .* to live \[rollout\]/.test(c.during),
    );
    const lastDispatch = r2.findLastIndex((c) => /failure: .* to live \[rollout\]/.test(c.during));
    const rollbackRun = r2.slice(lastDispatch + 1).filter((c) => c.caller === "app" || c.caller === "action");
    const failedRun = r2.filter(
      (c) => c.caller === "action" && /v2\.0\.0 to live \[rollout\]/.test(c.during),
    );

    const perRelease = g.filter(limited).length;
    const perReleasePlain = plain.calls.filter(limited).length;
    const writes = g.filter(appWrite).length;
    const writesPlain = plain.calls.filter(appWrite).length;
    const budget = releasesPerHour(perRelease, writes);
    const budgetPlain = releasesPerHour(perReleasePlain, writesPlain);
    const previous = {
      gated: releasesPerHour(perRelease, WRITES_BEFORE.gated),
      plain: releasesPerHour(perReleasePlain, WRITES_BEFORE.plain),
    };
    const actionPerRelease = g.filter(apiOfAction).length;
    const transition = transitions[1]?.calls.filter(limited).length ?? 0;
    const wholeStage = canaryApp.filter(limited).length + canaryAction.filter(apiOfAction).length;
    const wholeStagePlain = plainCanary.filter((c) => c.status !== 304).length;
    const rollbackLock = rollbackDispatch.filter(
      (c) => limited(c) && c.method === "POST" && /\/variables$/.test(c.endpoint),
    ).length;
    const rows: Row[] = [
      row({
        name: "App: stage transition (success -> next dispatch)",
        value: transition,
        unit: "req",
        baseline: REQUESTS_BEFORE.transition,
        baselineLabel: BEFORE,
        target: "<= 8",
        met: transition <= 8,
      }),
      row({
        name: "App: failure -> rollback dispatch",
        value: rollbackDispatch.filter(limited).length,
        unit: "req",
        baseline: REQUESTS_BEFORE.rollback,
        baselineLabel: BEFORE,
        target: "<= 4 + 1 (lock)",
        met: rollbackDispatch.filter(limited).length <= 4 + rollbackLock,
      }),
      row({
        name: "whole stage, App + Action (protection rule on)",
        value: wholeStage,
        unit: "req",
        baseline: REQUESTS_BEFORE.stageGated,
        baselineLabel: BEFORE,
        target: "<= 12",
        met: wholeStage <= 12,
      }),
      row({
        name: "whole stage, App + Action (no protection rule)",
        value: wholeStagePlain,
        unit: "req",
        baseline: REQUESTS_BEFORE.stagePlain,
        baselineLabel: BEFORE,
        target: "<= 12",
        met: wholeStagePlain <= 12,
      }),
      row({ name: "App: one release through 3 stages (protection rule on)", value: perRelease, unit: "req" }),
      row({
        name: "App: writes per release through 3 stages (protection rule on)",
        value: writes,
        unit: "writes",
        baseline: WRITES_BEFORE.gated,
        baselineLabel: "issue 17, before",
        target: `<= ${WRITES_FLOOR.gated} (floor)`,
        met: writes <= WRITES_FLOOR.gated,
      }),
      row({
        name: "releases/hour/installation, request budget 5,000/h (protection rule on)",
        value: budget.byRequests,
        unit: "rel/h",
        note: `${INSTALLATION_LIMIT} / ${perRelease}`,
      }),
      row({
        name: "releases/hour/installation, write budget 80/min + 500/h (protection rule on)",
        value: budget.byWrites,
        unit: "rel/h",
        baseline: previous.gated.byWrites,
        baselineLabel: "issue 17, before",
      }),
      row({
        name: "releases/hour/installation, the smaller (protection rule on)",
        value: budget.figure,
        unit: "rel/h",
        baseline: previous.gated.figure,
        baselineLabel: "issue 17, before",
      }),
      row({
        name: "App: one release through 3 stages (no protection rule)",
        value: perReleasePlain,
        unit: "req",
      }),
      row({
        name: "App: writes per release through 3 stages (no protection rule)",
        value: writesPlain,
        unit: "writes",
        baseline: WRITES_BEFORE.plain,
        baselineLabel: "issue 17, before",
        target: `<= ${WRITES_FLOOR.plain} (floor)`,
        met: writesPlain <= WRITES_FLOOR.plain,
      }),
      row({
        name: "releases/hour/installation, request budget 5,000/h (no protection rule)",
        value: budgetPlain.byRequests,
        unit: "rel/h",
      }),
      row({
        name: "releases/hour/installation, write budget 80/min + 500/h (no protection rule)",
        value: budgetPlain.byWrites,
        unit: "rel/h",
        baseline: previous.plain.byWrites,
        baselineLabel: "issue 17, before",
      }),
      row({
        name: "releases/hour/installation, the smaller (no protection rule)",
        value: budgetPlain.figure,
        unit: "rel/h",
        baseline: previous.plain.figure,
        baselineLabel: "issue 17, before",
      }),
      row({
        name: "Action: one release through 3 stages (GITHUB_TOKEN)",
        value: actionPerRelease,
        unit: "req",
      }),
    ];
    return {
      title: "GitHub API cost (requests counted on the stand-in, by endpoint)",
      rows,
      detail: {
        transitions: describeTransitions(transitions),
        wholeStage: {
          stage: "canary (middle stage), protection rule on",
          app: byEndpoint(canaryApp),
          action: byEndpoint(canaryAction),
          storageDownloads: canaryStorage.length,
        },
        wholeStageNoProtectionRule: { stage: "canary", endpoints: byEndpoint(plainCanary) },
        rollback: {
          dispatch: byEndpoint(rollbackDispatch),
          failedRolloutAction: byEndpoint(failedRun),
          rollbackRun: byEndpoint(rollbackRun),
        },
        writes: {
          gated: byEndpoint(g.filter(appWrite)),
          plain: byEndpoint(plain.calls.filter(appWrite)),
          gatedTimeline: g.filter(appWrite).map((c) => `${c.endpoint}  [${c.during}]`),
          plainTimeline: plain.calls.filter(appWrite).map((c) => `${c.endpoint}  [${c.during}]`),
        },
        release: {
          app: byEndpoint(g.filter((c) => c.caller === "app")),
          appJwt: byEndpoint(g.filter((c) => c.caller === "app-jwt")),
          action: byEndpoint(g.filter((c) => c.caller === "action")),
          storageDownloads: g.filter((c) => c.caller === "storage").length,
        },
        timeline: g.map((c) => `${c.caller.padEnd(7)} ${c.status} ${c.endpoint}  [${c.during}]`),
        rollbackTimeline: r2.map((c) => `${c.caller.padEnd(7)} ${c.status} ${c.endpoint}  [${c.during}]`),
      },
      notes: [
        `a whole stage of github/branch-deploy (one .deploy to one environment) makes ${BRANCH_DEPLOY} requests`,
        "App = installation-token requests (rate limited, 5,000/h); the one JWT token exchange per hour is not counted; Action = GITHUB_TOKEN requests (a separate 1,000/h per repository budget); asset storage downloads are not API requests",
        `${g.filter((c) => c.status === 304).length} App request(s) in the 3-stage release were answered 304 (conditional reads of the config and of the check-run list, with their ETags): free against the rate limit, so not counted`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatTransitions(section: Section): string {
  const detail = section.detail as {
    transitions: Record<string, { app: number; endpoints: Record<string, number> }>;
    wholeStage: Record<string, unknown>;
    rollback: Record<string, Record<string, number>>;
  };
  const out: string[] = [];
  const list = (title: string, endpoints: Record<string, number>) => {
    out.push(`  ${title}`);
    for (const [k, v] of Object.entries(endpoints)) out.push(`    ${String(v).padStart(2)} x ${k}`);
  };
  for (const [name, t] of Object.entries(detail.transitions))
    list(`${name}: ${t.app} App requests`, t.endpoints);
  list("whole canary stage, App", detail.wholeStage.app as Record<string, number>);
  list("whole canary stage, Action", detail.wholeStage.action as Record<string, number>);
  list("failure -> rollback dispatch (App)", detail.rollback.dispatch ?? {});
  const writes = (section.detail as { writes?: Record<string, unknown> }).writes;
  if (writes) {
    list("App writes per release, protection rule on", writes.gated as Record<string, number>);
    list("App writes per release, no protection rule", writes.plain as Record<string, number>);
    out.push("  App writes per release, protection rule on, in order:");
    for (const w of writes.gatedTimeline as string[]) out.push(`    ${w}`);
  }
  list("rollback run (App + Action)", detail.rollback.rollbackRun ?? {});
  return out.join("\n");
}
