/**
 * Verification of a stage: runs its `verify` checks every `interval` until `bake` has elapsed (one round
 * without a bake), fails fast at the first round where the analysis fails, and stops as inconclusive when
 * the inconclusive limit is hit (a human then decides with /promote or /rollback).
 */
import { parseDuration } from "../config/duration.js";
import type { Pipeline, ResolvedStage } from "../config/types.js";
import { type AnalysisState, analyse, type CheckState } from "./analysis.js";
import type { Env, FetchFn } from "./providers/http.js";
import { renderReport } from "./report.js";
import { plan, runRound, type TestRunners } from "./round.js";
import type { Target } from "./sources.js";
import type { Outcome, Round } from "./types.js";

export type { AnalysisState, CheckState } from "./analysis.js";
export type { JudgeResult, MetricResult } from "./canary/judge.js";
export type { Env, FetchFn } from "./providers/http.js";
export { renderReport } from "./report.js";
export { CANARY_SCORE, type TestRunners } from "./round.js";
export type { Target } from "./sources.js";
export type { CheckResult, Measurement, Outcome, Phase, Round } from "./types.js";

export interface VerifyStageInput {
  pipeline: Pipeline;
  stage: ResolvedStage;
  /** The release tag; fills {version} in queries and URLs. */
  release: string;
  /** The stage's targets; smoke URLs and queries that mention {target} or {region} run once per target. */
  targets: readonly Target[];
  /** Where secrets are read by name (e.g. process.env). Values are never logged or reported. */
  env: Env;
  fetch: FetchFn;
  /** How command and workflow checks run (the Action provides them); without them those checks are errors. */
  tests?: TestRunners;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Called after each round, e.g. to update the check run; awaited before the next round. */
  onRound?: (round: Round, progress: VerifyProgress) => void | Promise<void>;
}

export interface VerifyProgress {
  state: AnalysisState;
  rounds: readonly Round[];
  summaryMarkdown: string;
}

export interface VerifyResult {
  outcome: Outcome;
  reason: string;
  rounds: Round[];
  summaryMarkdown: string;
  checks: CheckState[];
}

const MIN_INTERVAL_MS = 1_000;

export async function verifyStage(input: VerifyStageInput): Promise<VerifyResult> {
  const { pipeline, stage, release } = input;
  const checks = plan(pipeline, stage);
  const report = (state: { outcome: AnalysisState["outcome"]; reason: string }, rounds: readonly Round[]) =>
    renderReport({ stage: stage.name, release, outcome: state.outcome, reason: state.reason, rounds });
  if (checks.length === 0) {
    const reason = `Stage ${stage.name} declares no verify checks: nothing to verify.`;
    return {
      outcome: "passed",
      reason,
      rounds: [],
      checks: [],
      summaryMarkdown: report({ outcome: "passed", reason }, []),
    };
  }
  const bakeMs = stage.bake ? (parseDuration(stage.bake) ?? 0) : 0;
  const intervalMs = Math.max(MIN_INTERVAL_MS, parseDuration(stage.interval ?? "1m") ?? 60_000);
  // A guard for clocks that do not move (tests with a frozen `now`): never more rounds than the bake allows.
  const maxRounds = Math.floor(bakeMs / intervalMs) + 2;
  const ctx = {
    pipeline,
    stage,
    release,
    targets: input.targets,
    deps: { fetch: input.fetch, env: input.env },
    ...(input.tests ? { tests: input.tests } : {}),
  };
  const rounds: Round[] = [];
  const start = input.now();
  for (let index = 1; ; index++) {
    const round = await runRound(ctx, index, input.now());
    rounds.push(round);
    const elapsed = input.now() - start;
    const complete = elapsed >= bakeMs || index >= maxRounds;
    const state = analyse(checks, rounds, complete);
    const summaryMarkdown = report(state, rounds);
    await input.onRound?.(round, { state, rounds: [...rounds], summaryMarkdown });
    if (state.outcome !== "running") {
      return { outcome: state.outcome, reason: state.reason, rounds, summaryMarkdown, checks: state.checks };
    }
    await input.sleep(Math.min(intervalMs, Math.max(0, bakeMs - (input.now() - start))));
  }
}
