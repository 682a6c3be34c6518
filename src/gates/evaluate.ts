import { bakeGate } from "./bake.js";
import { errorBudgetApplies, errorBudgetGate } from "./error-budget.js";
import { fourEyesGate } from "./four-eyes.js";
import { lockGate } from "./lock.js";
import { orderGate } from "./order.js";
import { overlapGate } from "./overlap.js";
import { prereleaseGate } from "./prerelease.js";
import { requiredChecksGate } from "./required-checks.js";
import type { Evaluation, GateContext, GateName, GateResult } from "./types.js";
import { freezeGate, windowGate } from "./windows.js";

/** GitHub's limit on the deployment protection rule review comment. */
export const COMMENT_LIMIT = 1024;

const skip = (gate: GateName, reason: string): GateResult => ({ gate, ok: true, skipped: true, reason });

/**
 * Runs every gate that applies to the request and decides. Rollbacks pass every gate, locks included (they must
 * stay fast and possible, and an automatic rollback has nobody to wait for); hotfixes skip bake times only;
 * a `verify` run deploys nothing, so no gate applies.
 */
export function evaluateGates(ctx: GateContext): Evaluation {
  const results = ctx.mode === "verify" ? [] : gatesFor(ctx);
  const approved = results.every((r) => r.ok);
  const closed = results.filter((r) => !r.ok);
  const verdict = approved ? "approve" : closed.every((r) => r.gate === "four-eyes") ? "wait" : "reject";
  return {
    approved,
    verdict,
    results,
    comment: reviewComment(ctx, approved, results),
    markdown: gateTable(ctx, results),
  };
}

function gatesFor(ctx: GateContext): GateResult[] {
  const g = ctx.pipeline.gates;
  const rollback = ctx.mode === "rollback";
  const results: GateResult[] = [];
  const add = (gate: GateName, run: () => GateResult, skipWhy?: string) =>
    results.push(skipWhy ? skip(gate, skipWhy) : run());

  add("order", () => orderGate(ctx), rollback ? "Rollbacks may go to any stage." : undefined);
  if (ctx.release.prerelease)
    add(
      "prerelease",
      () => prereleaseGate(ctx),
      rollback ? "A rollback restores a release that was deployed there." : undefined,
    );
  add(
    "bake",
    () => bakeGate(ctx),
    rollback
      ? "Rollbacks do not wait for bake times."
      : ctx.hotfix
        ? `Hotfix by @${ctx.hotfix.by} skips bake times: ${ctx.hotfix.reason}`
        : undefined,
  );
  add(
    "four-eyes",
    () => fourEyesGate(ctx),
    rollback && ctx.stage.approvals > 0
      ? "Rollbacks need no second approver; the command itself is permission-checked."
      : undefined,
  );
  if (g.windows)
    add(
      "window",
      () => windowGate(ctx),
      rollback ? "Rollbacks are not limited by deploy windows." : undefined,
    );
  if (g.freezes.length > 0)
    add("freeze", () => freezeGate(ctx), rollback ? "Rollbacks are not frozen." : undefined);
  add(
    "lock",
    () => lockGate(ctx),
    rollback ? "A lock never holds a rollback: restoring the previous release is always allowed." : undefined,
  );
  if (errorBudgetApplies(ctx)) add("error-budget", () => errorBudgetGate(ctx));
  if (g["required-checks"].length > 0)
    add(
      "required-checks",
      () => requiredChecksGate(ctx),
      rollback ? "A rollback returns to a release that already passed them." : undefined,
    );
  if (ctx.activeRollouts)
    add(
      "overlap",
      () => overlapGate(ctx),
      rollback ? "A rollback never waits for another rollout." : undefined,
    );
  return results;
}

function title(ctx: GateContext): string {
  const mode = ctx.mode === "rollout" ? "" : ` (${ctx.mode})`;
  return `${ctx.release.tag} to ${ctx.stage.name}${mode}${ctx.hotfix ? " [HOTFIX]" : ""}`;
}

/** Plain text for the protection rule review: why, and what to do next, within GitHub's 1024 characters. */
export function reviewComment(ctx: GateContext, approved: boolean, results: readonly GateResult[]): string {
  if (approved) {
    const counted = results.filter((r) => !r.skipped).map((r) => r.gate);
    const skipped = results.filter((r) => r.skipped).map((r) => r.gate);
    const hotfix = ctx.hotfix ? ` Hotfix by @${ctx.hotfix.by}: ${ctx.hotfix.reason}.` : "";
    const text =
      ctx.mode === "verify"
        ? `Shipline approved ${title(ctx)}: a verification deploys nothing, so no gate applies.`
        : `Shipline approved ${title(ctx)}. Gates open: ${counted.join(", ") || "none"}.${skipped.length ? ` Skipped: ${skipped.join(", ")}.` : ""}${hotfix}`;
    return clip(text, COMMENT_LIMIT);
  }
  const closed = results.filter((r) => !r.ok);
  const header = `Shipline rejected ${title(ctx)}: ${closed.length} gate${closed.length > 1 ? "s" : ""} closed.`;
  const lines = closed.map((r) => `[${r.gate}] ${r.reason}${r.next ? ` Next: ${r.next}` : ""}`);
  return fitLines(header, lines, COMMENT_LIMIT);
}

/** Header plus as many whole lines as fit; the first line that does not fit is clipped and the rest counted. */
function fitLines(header: string, lines: readonly string[], limit: number): string {
  let out = header;
  for (let i = 0; i < lines.length; i++) {
    const more = lines.length - i - 1;
    const tail = more > 0 ? `\n(+${more} more in the check run)` : "";
    const candidate = `${out}\n${lines[i]}`;
    if (candidate.length <= limit) {
      out = candidate;
      continue;
    }
    const room = limit - out.length - 1 - tail.length;
    if (room > 20) out = `${out}\n${clip(lines[i]!, room)}`;
    return clip(`${out}${tail}`, limit);
  }
  return out;
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Text safe in a Markdown table cell: no pipes, no raw HTML, one line. */
export function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

/** A Markdown table of every gate's outcome, for the stage's check run. */
export function gateTable(ctx: GateContext, results: readonly GateResult[]): string {
  const head = `### Gates for ${cell(title(ctx))}`;
  if (results.length === 0) return `${head}\n\nA verification deploys nothing, so no gate applies.`;
  const rows = results.map((r) => {
    const state = r.skipped ? "⏭️ skipped" : r.ok ? "✅ open" : "❌ closed";
    const next = r.next ? `<br>**Next:** ${cell(r.next)}` : "";
    return `| ${r.gate} | ${state} | ${cell(r.reason)}${next} |`;
  });
  return [head, "", "| Gate | Result | Details |", "| --- | --- | --- |", ...rows].join("\n");
}
