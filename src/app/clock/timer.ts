import { formatDuration, parseDuration } from "../../config/duration.js";
import type { Log } from "../../github/apply.js";
import { failureText } from "./failure-text.js";
import { setClockInterval } from "./timer-state.js";

/** The timer's period when SHIPLINE_CLOCK_INTERVAL is not set: one minute. */
export const DEFAULT_CLOCK_MS = 60_000;
/** Shorter periods would spend an installation's request budget on looking (docs/clock.md). */
export const MIN_CLOCK_MS = 10_000;

/**
 * SHIPLINE_CLOCK_INTERVAL: seconds ("60") or a duration ("90s", "5m"); "0" turns the timer off; unset is one
 * minute. Anything else is refused with what to write instead (the App does not start on a value it cannot read).
 */
export function clockIntervalFrom(
  value: string | undefined,
): { ok: true; ms: number } | { ok: false; error: string } {
  const text = value?.trim() ?? "";
  if (text === "") return { ok: true, ms: DEFAULT_CLOCK_MS };
  if (/^0+$/.test(text)) return { ok: true, ms: 0 };
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : parseDuration(text);
  if (ms === undefined)
    return {
      ok: false,
      error: `SHIPLINE_CLOCK_INTERVAL=${JSON.stringify(value)} is not a period: write seconds ("60"), a duration ("90s", "5m"), or 0 to turn the in-process timer off`,
    };
  if (ms < MIN_CLOCK_MS)
    return {
      ok: false,
      error: `SHIPLINE_CLOCK_INTERVAL=${JSON.stringify(value)} is shorter than ${MIN_CLOCK_MS / 1000} s: every period costs one request per repository; write 10 or more (or 0 to turn the timer off)`,
    };
  return { ok: true, ms };
}

/** How the timer waits (injected so tests fire it by hand instead of waiting). */
export interface Timers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  set: (run, ms) => setTimeout(run, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface RunningClock {
  /** Stops the timer and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/**
 * The in-process clock of a long-running App (`npm start`): one sweep at start-up, then one `intervalMs` after
 * each sweep ended (sweeps never overlap). It keeps nothing between sweeps: each is rebuilt from GitHub's records,
 * so a restart loses nothing, and every replica may run one (claims make each wake-up happen once).
 */
export function startClock(options: {
  intervalMs: number;
  sweep: () => Promise<void>;
  log: Log;
  timers?: Timers;
}): RunningClock {
  const timers = options.timers ?? REAL_TIMERS;
  let handle: unknown;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    running = options.sweep().then(
      () => undefined,
      (error: unknown) => options.log.error(`clock: sweep failed: ${failureText(error)}`),
    );
    void running.then(() => {
      running = undefined;
      if (!stopped) handle = timers.set(tick, options.intervalMs);
    });
  };
  setClockInterval(options.intervalMs);
  options.log.info(
    `clock: looking at waiting stages every ${formatDuration(options.intervalMs)} (SHIPLINE_CLOCK_INTERVAL)`,
  );
  tick();
  return {
    async stop() {
      stopped = true;
      timers.clear(handle);
      setClockInterval(0);
      await running;
    },
  };
}
