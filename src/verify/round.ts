/** One verification round: fetch each check's data, turn it into a measurement. The I/O half of a round. */

import { parseDuration } from "../config/duration.js";
import type { Check } from "../config/schema/checks.js";
import type { Pipeline, ResolvedStage } from "../config/types.js";
import { applyMissingData, type Limits, limitsOf, strictest } from "./analysis.js";
import { judge } from "./canary/judge.js";
import { canaryMeasurement, metricInput, stageScoring } from "./kinds/canary.js";
import { derivative } from "./kinds/derivative.js";
import { logErrors } from "./kinds/log-errors.js";
import { kindOf } from "./kinds/measure.js";
import { sigmaAlarm } from "./kinds/sigma.js";
import { type SmokeResponse, smoke } from "./kinds/smoke.js";
import { threshold } from "./kinds/threshold.js";
import type { CommandCall } from "./providers/command.js";
import { getText, type ProviderDeps, ProviderError } from "./providers/http.js";
import type { WorkflowCall } from "./providers/workflow.js";
import { baselineOf, fetchSource, type QueryContext, sourceOf, type Target } from "./sources.js";
import { fill, perTarget, type TemplateVars } from "./template.js";
import type { CheckResult, Measurement, Round } from "./types.js";

/** The name under which a stage's canary checks are judged together. */
export const CANARY_SCORE = "canary-score";

export interface RoundContext {
  pipeline: Pipeline;
  stage: ResolvedStage;
  release: string;
  targets: readonly Target[];
  deps: ProviderDeps;
  /** How command and workflow checks run; only the deploy job (the Action) has them. */
  tests?: TestRunners;
}

/** Runs the checks that run the user's tests (command, workflow) and turns the outcome into a measurement. */
export interface TestRunners {
  command?: (call: CommandCall) => Promise<Measurement>;
  workflow?: (call: WorkflowCall) => Promise<Measurement>;
}

/** Command and workflow checks run in the first round only, unless `every-round` asks for each round. */
function runsInRound(check: Check | undefined, index: number): boolean {
  if (!check || index === 1) return true;
  const kind = kindOf(check);
  if (kind === "command") return check.command?.["every-round"] === true;
  if (kind === "workflow") return check.workflow?.["every-round"] === true;
  return true;
}

interface PlannedCheck {
  name: string;
  check: Check | undefined;
}

/** The stage's checks as the analysis sees them: one entry per non-canary check, one for the canary score. */
export function plan(pipeline: Pipeline, stage: ResolvedStage): { name: string; limits: Limits }[] {
  const entries: { name: string; limits: Limits }[] = [];
  const canary: Limits[] = [];
  for (const name of stage.verify) {
    const check = pipeline.checks[name];
    if (check && kindOf(check) === "canary") canary.push(limitsOf(check));
    else
      entries.push({
        name,
        limits: check ? limitsOf(check) : { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 0 },
      });
  }
  if (canary.length) entries.push({ name: CANARY_SCORE, limits: strictest(canary) });
  return entries;
}

async function smokeResults(check: Check, ctx: RoundContext, vars: TemplateVars): Promise<Measurement> {
  const spec = check.smoke!;
  const timeoutMs = parseDuration(spec.timeout ?? "10s") ?? 10_000;
  const deps = { ...ctx.deps, timeoutMs };
  const requests: { label: string; url: string }[] = perTarget(spec.url)
    ? ctx.targets.map((t) => ({
        label: t.name,
        url: fill(spec.url, { ...vars, target: t.name, region: t.region }, "url"),
      }))
    : [{ label: "", url: fill(spec.url, vars, "url") }];
  const responses: SmokeResponse[] = await Promise.all(
    requests.map(async (r) => {
      try {
        const response = await getText(deps, r.url, {});
        return { label: r.label, status: response.status, body: response.body.slice(0, 1_000_000) };
      } catch (error) {
        if (error instanceof ProviderError) return { label: r.label, error: error.message };
        throw error;
      }
    }),
  );
  return smoke(
    { expect: spec.expect ?? 200, ...(spec.contains !== undefined ? { contains: spec.contains } : {}) },
    responses,
  );
}

async function measure(
  name: string,
  check: Check,
  ctx: RoundContext,
  query: QueryContext,
  index: number,
): Promise<Measurement> {
  const kind = kindOf(check);
  if (kind === "command") {
    if (!check.command)
      return { phase: "Error", message: "a command check needs a `command: { run }` block" };
    if (!ctx.tests?.command)
      return { phase: "Error", message: "command checks run only in the deploy job (the Shipline Action)" };
    return ctx.tests.command({
      check: name,
      spec: check.command,
      stage: ctx.stage.name,
      environment: ctx.stage.environment,
      version: ctx.release,
      targets: ctx.targets,
      round: index,
    });
  }
  if (kind === "workflow") {
    if (!check.workflow)
      return { phase: "Error", message: "a workflow check needs a `workflow: { file }` block" };
    if (!ctx.tests?.workflow)
      return { phase: "Error", message: "workflow checks run only in the deploy job (the Shipline Action)" };
    return ctx.tests.workflow({
      check: name,
      spec: check.workflow,
      stage: ctx.stage.name,
      environment: ctx.stage.environment,
      version: ctx.release,
    });
  }
  if (kind === "smoke") {
    if (!check.smoke) return { phase: "Error", message: "a smoke check needs a `smoke: { url }` block" };
    return smokeResults(check, ctx, query.vars);
  }
  const source = sourceOf(check);
  if (!source) return { phase: "Error", message: "no metric source: add `prometheus`, `datadog` or `http`" };
  const mode = kind === "derivative" || kind === "sigma" ? "range" : "instant";
  const fetched = await fetchSource(source, mode, check, query);
  if (!fetched.ok) return { phase: "Error", message: fetched.error };
  const measurement =
    kind === "threshold"
      ? threshold(check, fetched.series)
      : kind === "log-errors"
        ? logErrors(check, fetched.series)
        : kind === "derivative"
          ? derivative(check, fetched.series)
          : sigmaAlarm(check, fetched.series);
  return applyMissingData(measurement, check["missing-data"] ?? "inconclusive");
}

async function canaryResult(
  checks: PlannedCheck[],
  queryFor: (check: Check) => QueryContext,
): Promise<CheckResult> {
  const inputs = [];
  const errors: string[] = [];
  for (const { name, check } of checks) {
    const canarySource = check && sourceOf(check);
    const baselineSource = check && baselineOf(check);
    if (!check || !canarySource || !baselineSource) {
      errors.push(`${name}: a canary check needs a prometheus or datadog query and a \`baseline\` query`);
      continue;
    }
    const query = queryFor(check);
    const [canary, baseline] = await Promise.all([
      fetchSource(canarySource, "range", check, query),
      fetchSource(baselineSource, "range", check, query),
    ]);
    if (!canary.ok) errors.push(`${name} (canary): ${canary.error}`);
    if (!baseline.ok) errors.push(`${name} (baseline): ${baseline.error}`);
    if (canary.ok && baseline.ok) inputs.push(metricInput(name, check, canary.series, baseline.series));
  }
  if (errors.length)
    return {
      name: CANARY_SCORE,
      kind: "canary",
      measurement: { phase: "Error", message: errors.join("; ") },
    };
  const scoring = stageScoring(checks.map((c) => c.check!));
  const result = judge(inputs, scoring);
  return { name: CANARY_SCORE, kind: "canary", measurement: canaryMeasurement(result), canary: result };
}

/** Runs every check of the stage once, at time `at`. Never throws for a check's failure: it is a measurement. */
export async function runRound(ctx: RoundContext, index: number, at: number): Promise<Round> {
  const vars: TemplateVars = {
    stage: ctx.stage.name,
    environment: ctx.stage.environment,
    version: ctx.release,
    window: "5m",
  };
  const planned: PlannedCheck[] = ctx.stage.verify.map((name) => ({
    name,
    check: ctx.pipeline.checks[name],
  }));
  const canary = planned.filter((p) => p.check && kindOf(p.check) === "canary");
  const others = planned.filter(
    (p) => !(p.check && kindOf(p.check) === "canary") && runsInRound(p.check, index),
  );
  const queryFor = (check: Check): QueryContext => ({
    deps: ctx.deps,
    vars: { ...vars, window: check.window ?? "5m" },
    targets: ctx.targets,
    at,
  });
  const results = await Promise.all(
    others.map(async ({ name, check }): Promise<CheckResult> => {
      if (!check)
        return {
          name,
          kind: "threshold",
          measurement: { phase: "Error", message: `no check named "${name}" under checks` },
        };
      try {
        return {
          name,
          kind: kindOf(check),
          measurement: await measure(name, check, ctx, queryFor(check), index),
        };
      } catch (error) {
        return {
          name,
          kind: kindOf(check),
          measurement: { phase: "Error", message: error instanceof Error ? error.message : String(error) },
        };
      }
    }),
  );
  if (canary.length) {
    try {
      results.push(await canaryResult(canary, queryFor));
    } catch (error) {
      results.push({
        name: CANARY_SCORE,
        kind: "canary",
        measurement: { phase: "Error", message: error instanceof Error ? error.message : String(error) },
      });
    }
  }
  return { index, at, results };
}
