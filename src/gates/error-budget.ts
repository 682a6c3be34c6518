import { formatDuration } from "../config/duration.js";
import { durationMs } from "./error-budget-query.js";
import { percent } from "./text.js";
import type { ErrorBudgetFigures, GateContext, GateResult } from "./types.js";
import { formatUtc } from "./zoned-time.js";

const x = (n: number) => `${n.toFixed(1)}x`;

/** Does the error budget apply to this stage (configured, and the stage listed when a list is given)? */
export function errorBudgetApplies(ctx: GateContext): boolean {
  const cfg = ctx.pipeline.gates["error-budget"];
  return cfg !== undefined && (!cfg.stages || cfg.stages.includes(ctx.stage.name));
}

/**
 * Blocks rollouts while the SLO's error budget is spent (>= 100%) or while any multi-window burn-rate pair
 * fires (both its long and its short window burn faster than the factor). Rollbacks are never blocked.
 * The unblock estimate assumes errors stop now and past errors were spread evenly over each window.
 */
export function errorBudgetGate(ctx: GateContext): GateResult {
  const cfg = ctx.pipeline.gates["error-budget"];
  if (!cfg) return { gate: "error-budget", ok: true, reason: "No error budget is configured." };
  if (ctx.mode === "rollback")
    return {
      gate: "error-budget",
      ok: true,
      skipped: true,
      reason: "Rollbacks are never blocked by the error budget.",
    };
  const f = ctx.errorBudget;
  if (!f || f.unavailable) {
    return {
      gate: "error-budget",
      ok: false,
      reason: `Could not evaluate the error budget (SLO ${cfg.slo}% over ${cfg.window}): ${f?.unavailable ?? "no figures were fetched"}.`,
      next: `Check Prometheus at ${cfg.prometheus.url} and try again; rollbacks still go through.`,
    };
  }
  const summary = describe(f);
  const spent = f.spent >= 1;
  const firing = f.burn.filter((b) => b.longRate > b.factor && b.shortRate > b.factor);
  if (!spent && firing.length === 0) return { gate: "error-budget", ok: true, reason: summary };

  const waits: number[] = [];
  if (spent) waits.push(durationMs(f.window) * (1 - 1 / f.spent));
  for (const b of firing) {
    // The pair stops firing when either window drops to the factor.
    waits.push(
      Math.min(
        durationMs(b.long) * (1 - b.factor / b.longRate),
        durationMs(b.short) * (1 - b.factor / b.shortRate),
      ),
    );
  }
  const wait = Math.max(0, ...waits);
  const until = new Date(ctx.now.getTime() + Math.round(wait / 1000) * 1000);
  const why = [
    spent ? `the budget is spent` : undefined,
    ...firing.map(
      (b) =>
        `burning ${x(b.longRate)} over ${b.long} and ${x(b.shortRate)} over ${b.short} (limit ${x(b.factor)})`,
    ),
  ]
    .filter(Boolean)
    .join("; ");
  return {
    gate: "error-budget",
    ok: false,
    reason: `Deploys are blocked: ${why}. ${summary}`,
    next: `Estimated to unblock around ${formatUtc(until)} (in ${formatDuration(wait)}) if errors stop now. Fix forward only after /rollback; rollbacks are never blocked by the error budget.`,
    until,
  };
}

function describe(f: ErrorBudgetFigures): string {
  const burn = f.burn
    .map((b) => `${x(b.longRate)} over ${b.long} / ${x(b.shortRate)} over ${b.short} (limit ${x(b.factor)})`)
    .join(", ");
  return `SLO ${f.slo}% over ${f.window}: error ratio ${percent(f.errorRatio, 3)} of a ${percent(f.budget, 3)} budget, ${percent(f.spent)} spent${burn ? `; burn rate ${burn}` : ""}.`;
}
