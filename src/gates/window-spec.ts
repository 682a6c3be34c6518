import { type LocalTime, localTime, WEEKDAYS, zonedInstant } from "./zoned-time.js";

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
const SPEC = /^([A-Z][a-z]{2})(?:-([A-Z][a-z]{2}))? (\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** One allowed deploy window: it opens on each of `days` at `start` and stays open `length` minutes. */
export interface WindowSpec {
  text: string;
  /** 0 = Monday ... 6 = Sunday; the day the window OPENS. */
  days: ReadonlySet<number>;
  /** Minutes after local midnight. */
  start: number;
  /** Minutes; more than the rest of the day when the window wraps midnight (22:00-06:00). */
  length: number;
}

/**
 * Parses "Mon-Thu 09:00-16:00", "Sat 00:00-24:00" or "Mon-Fri 22:00-06:00". Day ranges may wrap the week
 * ("Fri-Mon"); an end at or before the start wraps midnight, so the window belongs to the day it opens on.
 * An end equal to the start means a full 24 hours.
 */
export function parseWindow(text: string): WindowSpec | undefined {
  const m = SPEC.exec(text.trim());
  if (!m) return undefined;
  const from = WEEKDAYS.indexOf(m[1] as (typeof WEEKDAYS)[number]);
  const to = m[2] === undefined ? from : WEEKDAYS.indexOf(m[2] as (typeof WEEKDAYS)[number]);
  const start = Number(m[3]) * 60 + Number(m[4]);
  const end = Number(m[5]) * 60 + Number(m[6]);
  if (
    from < 0 ||
    to < 0 ||
    start >= DAY_MINUTES ||
    end > DAY_MINUTES ||
    Number(m[4]) > 59 ||
    Number(m[6]) > 59
  )
    return undefined;
  const days = new Set<number>();
  for (let d = from; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === to) break;
  }
  const length = end > start ? end - start : end + DAY_MINUTES - start;
  return { text: text.trim(), days, start, length };
}

/** Is this local wall time inside the window (an occurrence opened today or, wrapping midnight, yesterday)? */
export function inWindow(w: WindowSpec, t: LocalTime): boolean {
  if (w.days.has(t.weekday) && t.minutes >= w.start && t.minutes < w.start + w.length) return true;
  const yesterday = (t.weekday + 6) % 7;
  return w.days.has(yesterday) && t.minutes + DAY_MINUTES < w.start + w.length;
}

export function inAnyWindow(windows: readonly WindowSpec[], instant: number, timeZone: string): boolean {
  const t = localTime(instant, timeZone);
  return windows.some((w) => inWindow(w, t));
}

/** Wall-clock minutes from `t` to the next opening of any window (at least 1). */
function minutesToNextStart(windows: readonly WindowSpec[], t: LocalTime): number {
  let best = 8 * DAY_MINUTES;
  for (const w of windows) {
    for (let k = 0; k <= 7; k++) {
      if (!w.days.has((t.weekday + k) % 7)) continue;
      const d = k * DAY_MINUTES + w.start - t.minutes;
      if (d > 0 && d < best) best = d;
    }
  }
  return best;
}

/**
 * The first instant at or after `from` when a window is open, or undefined within `horizonMs`.
 * Membership only changes on whole UTC minutes (window bounds are whole local minutes and every zone's offset is
 * a whole number of minutes), so the search jumps from minute to minute by wall-clock distance and, where a
 * DST gap made it jump too far, walks back to the first open minute.
 */
export function nextWindowOpening(
  windows: readonly WindowSpec[],
  from: number,
  timeZone: string,
  horizonMs = 400 * 86_400_000,
): number | undefined {
  if (windows.length === 0 || inAnyWindow(windows, from, timeZone)) return from;
  let closed = Math.floor(from / MINUTE) * MINUTE;
  let t = closed + MINUTE;
  for (let i = 0; i < 2000 && t - from <= horizonMs; i++) {
    if (inAnyWindow(windows, t, timeZone)) {
      while (t - MINUTE > closed && inAnyWindow(windows, t - MINUTE, timeZone)) t -= MINUTE;
      return t;
    }
    closed = t;
    const jump = minutesToNextStart(windows, localTime(t, timeZone));
    t += jump * MINUTE;
  }
  return undefined;
}

/** A dated freeze with its bounds resolved to instants (end exclusive). */
export interface FreezeSpan {
  from: number;
  until: number;
  reason: string;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Resolves a freeze: a date-time with an offset is taken as is; a bare date means local midnight in the
 * windows' time zone, and an `until` date is inclusive (the freeze ends at the following midnight).
 */
export function resolveFreeze(
  f: { from: string; until: string; reason: string },
  timeZone: string,
): FreezeSpan | undefined {
  const from = resolveBound(f.from, timeZone, false);
  const until = resolveBound(f.until, timeZone, true);
  if (from === undefined || until === undefined) return undefined;
  return { from, until, reason: f.reason };
}

function resolveBound(text: string, timeZone: string, inclusiveEnd: boolean): number | undefined {
  const m = DATE_ONLY.exec(text);
  if (m) {
    const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (inclusiveEnd ? 1 : 0)));
    return zonedInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone);
  }
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

export function freezeAt(freezes: readonly FreezeSpan[], instant: number): FreezeSpan | undefined {
  return freezes.find((f) => f.from <= instant && instant < f.until);
}

/** The first instant at or after `from` inside a window (if any are given) and outside every freeze. */
export function nextOpening(
  windows: readonly WindowSpec[],
  freezes: readonly FreezeSpan[],
  from: number,
  timeZone: string,
): number | undefined {
  let t: number | undefined = from;
  for (let i = 0; i < 200 && t !== undefined; i++) {
    t = nextWindowOpening(windows, t, timeZone);
    if (t === undefined) return undefined;
    // Several freezes may overlap: leave the one that ends last among those covering t.
    const covering = freezes.filter((f) => f.from <= t! && t! < f.until);
    if (covering.length === 0) return t;
    t = Math.max(...covering.map((f) => f.until));
  }
  return undefined;
}
