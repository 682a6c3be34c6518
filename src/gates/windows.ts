import type { GateContext, GateResult } from "./types.js";
import {
  type FreezeSpan,
  freezeAt,
  inAnyWindow,
  nextOpening,
  parseWindow,
  resolveFreeze,
  type WindowSpec,
} from "./window-spec.js";
import { formatLocal, formatUtc } from "./zoned-time.js";

interface Calendar {
  timeZone: string;
  /** Windows that apply to this stage; empty when deploys may start at any time. */
  windows: WindowSpec[];
  freezes: FreezeSpan[];
}

/** The windows (when they apply to the stage) and freezes (all stages) of the context's pipeline. */
export function calendarFor(ctx: GateContext): Calendar {
  const cfg = ctx.pipeline.gates.windows;
  const timeZone = cfg?.timezone ?? "UTC";
  const applies = cfg !== undefined && (!cfg.stages || cfg.stages.includes(ctx.stage.name));
  const windows = applies ? cfg.allow.map(parseWindow).filter((w) => w !== undefined) : [];
  const freezes = ctx.pipeline.gates.freezes
    .map((f) => resolveFreeze(f, timeZone))
    .filter((f) => f !== undefined);
  return { timeZone, windows, freezes };
}

export function windowsApply(ctx: GateContext): boolean {
  return calendarFor(ctx).windows.length > 0;
}

function when(instant: number, timeZone: string): string {
  return `${formatLocal(instant, timeZone)} (${formatUtc(instant)})`;
}

function reopening(cal: Calendar, now: number): { text: string; until?: Date } {
  const at = nextOpening(cal.windows, cal.freezes, now, cal.timeZone);
  if (at === undefined)
    return { text: "No window opens within 400 days; check gates.windows and gates.freezes." };
  return { text: `The next window opens ${when(at, cal.timeZone)}.`, until: new Date(at) };
}

/** Deploys may start only inside an allowed window, in the configured time zone. */
export function windowGate(ctx: GateContext): GateResult {
  const cal = calendarFor(ctx);
  const now = ctx.now.getTime();
  const allowed = cal.windows.map((w) => w.text).join(", ");
  if (cal.windows.length === 0)
    return { gate: "window", ok: true, reason: "No deploy windows apply to this stage." };
  if (inAnyWindow(cal.windows, now, cal.timeZone)) {
    return {
      gate: "window",
      ok: true,
      reason: `Inside the deploy window (${allowed}, ${cal.timeZone}); it is ${formatLocal(now, cal.timeZone)}.`,
    };
  }
  const next = reopening(cal, now);
  return {
    gate: "window",
    ok: false,
    reason: `Deploys to ${ctx.stage.name} may start only ${allowed} (${cal.timeZone}); it is ${formatLocal(now, cal.timeZone)}.`,
    next: `${next.text} Promote then; rollbacks are not limited by windows.`,
    ...(next.until ? { until: next.until } : {}),
  };
}

/** No deploy starts during a dated freeze. */
export function freezeGate(ctx: GateContext): GateResult {
  const cal = calendarFor(ctx);
  const now = ctx.now.getTime();
  const freeze = freezeAt(cal.freezes, now);
  if (!freeze) return { gate: "freeze", ok: true, reason: "No freeze is in effect." };
  const next = reopening(cal, now);
  return {
    gate: "freeze",
    ok: false,
    reason: `Deploys are frozen from ${when(freeze.from, cal.timeZone)} until ${when(freeze.until, cal.timeZone)}: ${freeze.reason}.`,
    next: `${next.text} Rollbacks are not frozen.`,
    ...(next.until ? { until: next.until } : {}),
  };
}
