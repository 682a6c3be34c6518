import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  inAnyWindow,
  nextOpening,
  nextWindowOpening,
  parseWindow,
  resolveFreeze,
  type WindowSpec,
} from "../../src/gates/window-spec.js";
import { freezeGate, windowGate } from "../../src/gates/windows.js";
import { localTime, zonedInstant } from "../../src/gates/zoned-time.js";
import { BASE_YAML, contextFor } from "./support/context.js";

const specs = (...texts: string[]): WindowSpec[] => texts.map((t) => parseWindow(t)!);
const at = (iso: string) => new Date(iso).getTime();
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

describe("window specs", () => {
  it("parses days, times and midnight wraps", () => {
    expect(parseWindow("Mon-Thu 09:00-16:00")).toMatchObject({ start: 540, length: 420 });
    expect([...parseWindow("Fri-Mon 10:00-11:00")!.days]).toEqual([4, 5, 6, 0]);
    expect(parseWindow("Mon-Fri 22:00-06:00")).toMatchObject({ start: 1320, length: 480 });
    expect(parseWindow("Sat 00:00-24:00")).toMatchObject({ start: 0, length: 1440 });
    expect(parseWindow("Someday 09:00-10:00")).toBeUndefined();
  });

  it("finds the next opening of an office-hours window in winter and in summer", () => {
    const office = specs("Mon-Thu 09:00-16:00");
    expect(inAnyWindow(office, at("2025-01-14T10:00:00Z"), "Europe/London")).toBe(true);
    // Friday evening -> Monday 09:00 GMT
    expect(iso(nextWindowOpening(office, at("2025-01-17T17:03:12Z"), "Europe/London"))).toBe(
      "2025-01-20T09:00:00.000Z",
    );
    // Thursday 16:30 BST -> Monday 09:00 BST = 08:00Z
    expect(iso(nextWindowOpening(office, at("2025-07-03T15:30:00Z"), "Europe/London"))).toBe(
      "2025-07-07T08:00:00.000Z",
    );
    // Already open: now itself
    expect(nextWindowOpening(office, at("2025-01-14T10:00:05Z"), "Europe/London")).toBe(
      at("2025-01-14T10:00:05Z"),
    );
  });

  it("handles windows that wrap midnight (the window belongs to the day it opens)", () => {
    const night = specs("Mon-Fri 22:00-06:00");
    expect(inAnyWindow(night, at("2025-01-18T03:00:00Z"), "UTC")).toBe(true); // Saturday 03:00: Friday's window
    expect(inAnyWindow(night, at("2025-01-19T03:00:00Z"), "UTC")).toBe(false); // Sunday 03:00
    expect(inAnyWindow(night, at("2025-01-20T05:00:00Z"), "UTC")).toBe(false); // Monday 05:00: no Sunday window
    expect(iso(nextWindowOpening(night, at("2025-01-19T03:00:00Z"), "UTC"))).toBe("2025-01-20T22:00:00.000Z");
    expect(iso(nextWindowOpening(night, at("2025-01-18T06:00:00Z"), "UTC"))).toBe("2025-01-20T22:00:00.000Z");
  });

  it("opens at the DST transition when the start time does not exist that day", () => {
    // Europe/London springs forward on 2025-03-30 at 01:00 GMT to 02:00 BST: 01:30 does not exist.
    const w = specs("Sun 01:30-03:00");
    expect(iso(nextWindowOpening(w, at("2025-03-29T12:00:00Z"), "Europe/London"))).toBe(
      "2025-03-30T01:00:00.000Z",
    );
    // A window entirely inside the gap never opens that day.
    const gap = specs("Sun 01:00-01:30");
    expect(iso(nextWindowOpening(gap, at("2025-03-29T12:00:00Z"), "Europe/London"))).toBe(
      "2025-04-06T00:00:00.000Z",
    );
  });

  it("takes the first of two instants when the clock falls back", () => {
    // 2025-10-26: 02:00 BST -> 01:00 GMT, so 01:30 happens at 00:30Z and again at 01:30Z.
    const w = specs("Sun 01:30-02:00");
    expect(iso(nextWindowOpening(w, at("2025-10-25T12:00:00Z"), "Europe/London"))).toBe(
      "2025-10-26T00:30:00.000Z",
    );
    expect(zonedInstant(2025, 10, 26, 90, "Europe/London")).toBe(at("2025-10-26T00:30:00Z"));
  });

  it("works in zones with half-hour and 45-minute offsets", () => {
    expect(iso(nextWindowOpening(specs("Mon 09:00-10:00"), at("2025-01-12T00:00:00Z"), "Asia/Kolkata"))).toBe(
      "2025-01-13T03:30:00.000Z",
    );
    expect(
      iso(nextWindowOpening(specs("Mon 09:00-10:00"), at("2025-01-12T00:00:00Z"), "Pacific/Chatham")),
    ).toBe("2025-01-12T19:15:00.000Z");
  });

  it("resolves date-only freezes in the zone, with an inclusive end day", () => {
    const f = resolveFreeze(
      { from: "2025-12-20", until: "2026-01-02", reason: "holidays" },
      "Europe/London",
    )!;
    expect(iso(f.from)).toBe("2025-12-20T00:00:00.000Z");
    expect(iso(f.until)).toBe("2026-01-03T00:00:00.000Z");
    const office = specs("Mon-Thu 09:00-16:00");
    // Frozen on 22 Dec; the freeze ends on Saturday 3 Jan; the next window is Monday 5 Jan 09:00.
    expect(iso(nextOpening(office, [f], at("2025-12-22T10:00:00Z"), "Europe/London"))).toBe(
      "2026-01-05T09:00:00.000Z",
    );
  });
});

const TIME_ZONES = [
  "UTC",
  "Europe/London",
  "America/New_York",
  "America/Santiago",
  "Asia/Kolkata",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
];
const DAY = fc.constantFrom("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
const HHMM = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const WINDOW = fc
  .tuple(DAY, fc.option(DAY, { nil: undefined }), HHMM, HHMM)
  .map(([d1, d2, a, b]) => `${d1}${d2 ? `-${d2}` : ""} ${a}-${b}`);

describe("window search (property)", () => {
  it("the next opening is never before now, is inside an allowed window, and nothing earlier is open", () => {
    fc.assert(
      fc.property(
        fc.array(WINDOW, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...TIME_ZONES),
        fc.integer({ min: at("2020-01-01T00:00:00Z"), max: at("2030-12-31T00:00:00Z") }),
        (texts, tz, now) => {
          const windows = texts.map((t) => parseWindow(t)!);
          const opening = nextWindowOpening(windows, now, tz);
          expect(opening).toBeDefined();
          expect(opening!).toBeGreaterThanOrEqual(now);
          expect(inAnyWindow(windows, opening!, tz)).toBe(true);
          if (opening! > now) {
            // The minute before the opening (when after now) is closed, and so is a sample of earlier instants.
            if (opening! - 60_000 >= now) expect(inAnyWindow(windows, opening! - 60_000, tz)).toBe(false);
            for (let t = now; t < opening!; t += 37 * 60_000) expect(inAnyWindow(windows, t, tz)).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the next opening is outside every freeze", () => {
    fc.assert(
      fc.property(
        WINDOW,
        fc.constantFrom(...TIME_ZONES),
        fc.integer({ min: at("2024-01-01T00:00:00Z"), max: at("2026-01-01T00:00:00Z") }),
        fc.array(fc.tuple(fc.integer({ min: -10, max: 30 }), fc.integer({ min: 1, max: 20 })), {
          maxLength: 3,
        }),
        (text, tz, now, spans) => {
          const freezes = spans.map(([startDays, days]) => ({
            from: now + startDays * 86_400_000,
            until: now + (startDays + days) * 86_400_000,
            reason: "freeze",
          }));
          const t = nextOpening([parseWindow(text)!], freezes, now, tz)!;
          expect(t).toBeGreaterThanOrEqual(now);
          expect(inAnyWindow([parseWindow(text)!], t, tz)).toBe(true);
          expect(freezes.some((f) => f.from <= t && t < f.until)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("local time agrees with Intl for the zone", () => {
    const t = localTime(at("2025-07-01T12:34:00Z"), "America/New_York");
    expect(t).toMatchObject({ year: 2025, month: 7, day: 1, weekday: 1, minutes: 8 * 60 + 34 });
  });
});

describe("window and freeze gates", () => {
  const yaml = `${BASE_YAML}gates:
  windows: { timezone: Europe/London, allow: ["Mon-Thu 09:00-16:00"], stages: [production] }
  freezes: [{ from: "2025-12-20", until: "2026-01-02", reason: "holiday freeze" }]
`;

  it("opens inside a window and closes outside it, saying when the next window opens", () => {
    expect(windowGate(contextFor("production", { now: new Date("2025-01-14T10:00:00Z") }, yaml)).ok).toBe(
      true,
    );
    const friday = windowGate(contextFor("production", { now: new Date("2025-01-17T17:03:00Z") }, yaml));
    expect(friday).toMatchObject({ ok: false, until: new Date("2025-01-20T09:00:00Z") });
    expect(friday.reason).toBe(
      "Deploys to production may start only Mon-Thu 09:00-16:00 (Europe/London); it is Fri 17 Jan 2025 17:03 Europe/London.",
    );
    expect(friday.next).toBe(
      "The next window opens Mon 20 Jan 2025 09:00 Europe/London (2025-01-20T09:00:00Z). Promote then; rollbacks are not limited by windows.",
    );
  });

  it("applies windows only to the listed stages", () => {
    expect(windowGate(contextFor("staging", { now: new Date("2025-01-17T17:03:00Z") }, yaml)).ok).toBe(true);
  });

  it("closes during a freeze with its reason and the first window after it", () => {
    const r = freezeGate(contextFor("production", { now: new Date("2025-12-22T10:00:00Z") }, yaml));
    expect(r.ok).toBe(false);
    expect(r.reason).toContain("holiday freeze");
    expect(r.until).toEqual(new Date("2026-01-05T09:00:00Z"));
    expect(freezeGate(contextFor("production", { now: new Date("2026-01-05T09:00:00Z") }, yaml)).ok).toBe(
      true,
    );
  });
});
