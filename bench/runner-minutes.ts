// Runner minutes per release: a 3-stage release (staging -> canary with a 24h bake -> production) driven through
// the core's own decisions (onReleasePublished, onDeploymentStatus, the clock's decideBake) with a fake clock, its
// effects carried out on an in-memory snapshot. Each dispatched job is billed as GitHub bills it: its minutes
// rounded up, at least one. Today's figure is the same release with the bake inside the canary's deploy job.

import { pipelineForTag } from "../src/config/index.js";
import { parseConfig } from "../src/config/parse.js";
import type { Config } from "../src/config/types.js";
import { decideBake } from "../src/pipeline/bake.js";
import { dispatchedCheck } from "../src/pipeline/dispatch-outcome.js";
import { parseWaitingRef } from "../src/pipeline/hold.js";
import { onReleasePublished } from "../src/pipeline/published.js";
import { onDeploymentStatus } from "../src/pipeline/status.js";
import type { CheckRunState, Decision, DispatchInputs, Snapshot } from "../src/pipeline/types.js";
import { row, type Section } from "./report.js";

/** The job durations the model assumes (minutes of runner time, before GitHub rounds them up). */
export const MODEL = {
  rolloutMinutes: 2.5,
  verifyMinutes: 0.5,
  tickMinutes: 0.1,
  tickEveryMinutes: 5,
};

const config = (interval: string) => `
workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2], us-east: [web-3, web-4] }
checks: { smoke: { http: { url: "https://{host}", path: "/health" } } }
stages:
  - { name: staging, targets: [eu-west], approvals: 0, verify: [smoke] }
  - { name: canary, environment: production, percent: 25, every-region: true, approvals: 0, bake: 24h, interval: ${interval}, verify: [smoke] }
  - { name: production, environment: production, waves: [50, 100], approvals: 0, verify: [smoke] }
`;

interface Job {
  inputs: DispatchInputs;
  runId: number;
  start: number;
  minutes: number;
}

export interface Simulation {
  jobs: { mode: string; stage: string; minutes: number }[];
  /** Minutes during which something waited (the tick workflow is enabled then). */
  waitingMinutes: number;
  /** Minutes from publish to production's success. */
  releaseMinutes: number;
  production: string;
}

/**
 * Publishes the release at t = 0, runs every dispatched job for its modelled duration (then reports success, as
 * its deployment_status would), and lets the clock look at the waiting stages every `clockEvery` minutes.
 */
export function simulateRelease(interval: string, clockEvery: number): Simulation {
  const parsed = parseConfig(config(interval));
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join("; "));
  const cfg: Config = parsed.config;
  const pipeline = pipelineForTag(cfg, "v1.0.0")!;
  const t0 = Date.parse("2026-12-01T09:00:00Z");
  const snapshot: Snapshot = {
    release: {
      id: 1,
      tag: "v1.0.0",
      sha: "a".repeat(40),
      author: "ci[bot]",
      authorType: "Bot",
      draft: false,
      prerelease: false,
      htmlUrl: "https://github.com/acme/web/releases/tag/v1.0.0",
      assets: ["app-1.0.0.tar.gz", "SHA256SUMS"].map((name, i) => ({
        id: i + 1,
        name,
        size: 1,
        state: "uploaded",
        digest: `sha256:${"0".repeat(64)}`,
        uploader: { login: "github-actions[bot]", type: "Bot" },
      })),
    },
    checkRuns: [],
  };
  const waiting = new Set<string>();
  const running: Job[] = [];
  const done: Simulation["jobs"] = [];
  let nextId = 1;
  let waitingMinutes = 0;

  const write = (name: string, fields: Partial<CheckRunState>) => {
    const current = snapshot.checkRuns.filter((c) => c.name === name).sort((a, b) => b.id - a.id)[0];
    if (current) Object.assign(current, fields);
    else snapshot.checkRuns.push({ id: nextId++, name, status: "queued", conclusion: null, ...fields });
  };
  const apply = (decision: Decision, minute: number) => {
    for (const e of decision.effects) {
      if (e.kind === "create-check" || e.kind === "update-check") {
        const { kind: _k, ...fields } = e as typeof e & { id?: number };
        delete (fields as { id?: number }).id;
        write(e.name, fields as Partial<CheckRunState>);
      } else if (e.kind === "mark-waiting") waiting.add(e.ref);
      else if (e.kind === "clear-waiting") waiting.delete(e.ref);
      else if (e.kind === "dispatch") {
        const runId = 9000 + nextId++;
        const minutes = e.inputs.mode === "verify" ? MODEL.verifyMinutes : MODEL.rolloutMinutes;
        running.push({ inputs: e.inputs, runId, start: minute, minutes });
        if (e.check) {
          const previous = snapshot.checkRuns.find((c) => c.name === e.check!.name)?.summary;
          const text = dispatchedCheck(
            { ...e, check: e.check },
            { runId },
            new Date(t0 + minute * 60_000),
            previous,
          );
          write(text.name, text as Partial<CheckRunState>);
        }
      }
    }
  };

  apply(onReleasePublished(parsed, snapshot, undefined, `${"0".repeat(64)}  app-1.0.0.tar.gz\n`), 0);
  const limit = 3 * 24 * 60;
  for (let minute = 0; minute <= limit; minute++) {
    const now = new Date(t0 + minute * 60_000);
    for (const job of running.filter((j) => minute >= j.start + j.minutes)) {
      running.splice(running.indexOf(job), 1);
      done.push({ mode: job.inputs.mode, stage: job.inputs.stage, minutes: job.minutes });
      const stage = pipeline.stages.find((s) => s.name === job.inputs.stage)!;
      const event = {
        release: job.inputs.release,
        stage: job.inputs.stage,
        mode: job.inputs.mode,
        state: "success" as const,
        environment: stage.environment,
        runId: job.runId,
        deploymentId: job.runId,
      };
      apply(onDeploymentStatus(cfg, snapshot, event, undefined, now), minute);
    }
    if (waiting.size > 0) waitingMinutes++;
    if (minute % clockEvery === 0)
      for (const ref of [...waiting]) {
        const w = parseWaitingRef(ref);
        if (w?.kind === "bake") apply(decideBake(pipeline, snapshot, w.stage, now), minute);
      }
    const production = snapshot.checkRuns.find((c) => c.name === "shipline / production");
    if (production?.status === "completed" && running.length === 0)
      return { jobs: done, waitingMinutes, releaseMinutes: minute, production: production.conclusion ?? "" };
  }
  throw new Error(`the simulated release did not finish in ${limit} minutes: ${[...waiting].join(", ")}`);
}

const billed = (minutes: number) => Math.max(1, Math.ceil(minutes));

/** Billed runner minutes of a simulated release, with the tick workflow's runs while something waited. */
function bill(sim: Simulation, withTick: boolean): { jobs: number; ticks: number; total: number } {
  const jobs = sim.jobs.reduce((sum, j) => sum + billed(j.minutes), 0);
  const ticks = withTick
    ? Math.ceil(sim.waitingMinutes / MODEL.tickEveryMinutes) * billed(MODEL.tickMinutes)
    : 0;
  return { jobs, ticks, total: jobs + ticks };
}

export function runnerMinutes(): Section {
  const hourly = simulateRelease("1h", MODEL.tickEveryMinutes);
  const hourlyTimer = simulateRelease("1h", 1);
  const four = simulateRelease("4h", MODEL.tickEveryMinutes);
  const byDefault = simulateRelease("1m", MODEL.tickEveryMinutes);
  for (const sim of [hourly, hourlyTimer, four, byDefault])
    if (sim.production !== "success") throw new Error(`production ended ${sim.production}`);
  const rollouts = hourly.jobs.filter((j) => j.mode === "rollout").length;
  const rounds = (s: Simulation) => s.jobs.filter((j) => j.mode === "verify").length;
  // Today: the bake runs inside the canary's deploy job, which holds a runner for the whole 24 h.
  const today = 3 * billed(MODEL.rolloutMinutes) + 24 * 60;
  const tick = bill(hourly, true);
  const timer = bill(hourlyTimer, false);
  return {
    title: "Runner minutes per release (3 stages, 24h canary bake)",
    rows: [
      row({
        name: `tick workflow, interval 1h: ${rollouts} rollout + ${rounds(hourly)} verify jobs + ${tick.ticks} tick runs`,
        value: tick.total,
        unit: "min",
        baseline: today,
        baselineLabel: "today: bake in the job",
        target: "< today",
        met: tick.total < today,
      }),
      row({
        name: `in-process timer (npm start), interval 1h: ${rollouts} rollout + ${rounds(hourlyTimer)} verify jobs`,
        value: timer.total,
        unit: "min",
        baseline: today,
        baselineLabel: "today: bake in the job",
      }),
      row({
        name: `tick workflow, interval 4h: ${rounds(four)} verify jobs`,
        value: bill(four, true).total,
        unit: "min",
        baseline: today,
        baselineLabel: "today: bake in the job",
      }),
      row({
        name: `tick workflow, interval 1m (the default; at most 48 rounds): ${rounds(byDefault)} verify jobs`,
        value: bill(byDefault, true).total,
        unit: "min",
        baseline: today,
        baselineLabel: "today: bake in the job",
      }),
      row({
        name: "publish to production succeeded (interval 1h, tick)",
        value: hourly.releaseMinutes / 60,
        unit: "h",
      }),
      row({
        name: "longest job (interval 1h)",
        value: Math.max(...hourly.jobs.map((j) => j.minutes)),
        unit: "min",
      }),
    ],
    notes: [
      `simulated through onReleasePublished, onDeploymentStatus and decideBake with a fake clock; jobs modelled as rollout ${MODEL.rolloutMinutes} min, verify ${MODEL.verifyMinutes} min, tick ${MODEL.tickMinutes} min, each billed rounded up to the minute (at least 1)`,
      `the tick workflow runs every ${MODEL.tickEveryMinutes} min while something waits (the App enables it when a stage starts waiting, disables it when nothing does): ${Math.ceil(hourly.waitingMinutes / MODEL.tickEveryMinutes)} runs over ${(hourly.waitingMinutes / 60).toFixed(1)} h of waiting`,
      "a bake runs at most 48 rounds after round 0 (pipeline/bake.ts), so a short interval on a long bake is spread out: the default 1m on 24h runs a round every 30 min",
      "today's figure: 3 rollout jobs, the canary's holding a runner for the whole 24h bake (a GitHub-hosted job is stopped after 6 h, so today a 24h bake cannot finish there at all); public repositories pay no minutes on GitHub-hosted runners",
    ],
    detail: {
      model: MODEL,
      today,
      tick1h: tick,
      timer1h: timer,
      tick4h: bill(four, true),
      tick1m: bill(byDefault, true),
    },
  };
}
