/** Wall-clock arithmetic in an IANA time zone using only Intl (no tz database of our own). */

const MINUTE = 60_000;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
  seconds: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date and time of an instant in a time zone. */
export function localTime(instant: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const year = parts["year"] ?? 1970;
  const month = parts["month"] ?? 1;
  const day = parts["day"] ?? 1;
  const hour = (parts["hour"] ?? 0) % 24;
  const minute = parts["minute"] ?? 0;
  // Day of week from the local calendar date itself (0 = Monday).
  const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
  return { year, month, day, weekday, minutes: hour * 60 + minute, seconds: parts["second"] ?? 0 };
}

/** Offset of the zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function offsetAt(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  const wall = Date.UTC(t.year, t.month - 1, t.day, 0, t.minutes, t.seconds);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant when the local clock shows the given date and minute of day. In a DST gap (the time does not
 * exist) this is the first instant after the gap; in an overlap (it exists twice) the earlier one.
 */
export function zonedInstant(year: number, month: number, day: number, minutes: number, timeZone: string) {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  // Overlap: prefer the earlier of the two instants that show this wall time.
  const candidates = [first, second, wall - offsetAt(first - 3 * 3_600_000, timeZone)].filter((t) =>
    sameWall(t, wall, timeZone),
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // Gap: the transition instant, i.e. the first instant whose local time is past the requested one.
  let lo = Math.min(first, second);
  let hi = Math.max(first, second);
  if (localWall(lo, timeZone) >= wall) return lo;
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (localWall(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

function localWall(instant: number, timeZone: string): number {
  const t = localTime(instant, timeZone);
  return Date.UTC(t.year, t.month - 1, t.day, 0, t.minutes);
}

function sameWall(instant: number, wall: number, timeZone: string): boolean {
  return localWall(instant, timeZone) === wall;
}

/** "Mon 13 Jan 2025 09:00 Europe/London" */
export function formatLocal(instant: number | Date, timeZone: string): string {
  const t = localTime(typeof instant === "number" ? instant : instant.getTime(), timeZone);
  const hh = String(Math.floor(t.minutes / 60)).padStart(2, "0");
  const mm = String(t.minutes % 60).padStart(2, "0");
  return `${WEEKDAYS[t.weekday]} ${t.day} ${MONTHS[t.month - 1]} ${t.year} ${hh}:${mm} ${timeZone}`;
}

/** "2025-01-13T09:00:00Z" (seconds precision). */
export function formatUtc(instant: number | Date): string {
  return new Date(typeof instant === "number" ? instant : instant.getTime())
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
}

export { WEEKDAYS };
