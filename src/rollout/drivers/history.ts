import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The deploy history a target keeps about itself: `<dir>/shipline-history`, append-only, one line per switch of
 * `current`: `<time> <event> <release> <previous> <by>` ("-" for no release). The rollback script
 * (`rollback-script.ts`) reads the same file with the same rules; docs/action.md, "On-target layout and offline
 * rollback", is their specification.
 */
export const HISTORY = "shipline-history";

export type HistoryEvent = "deploy" | "rollback" | "restore";
/** `action`, `ssh` (the Action over SSH), `cli` (`shipline rollback`), `script` (`shipline-rollback`). */
export type HistoryBy = "action" | "ssh" | "cli" | "script";

export interface HistoryEntry {
  time: string;
  event: HistoryEvent;
  /** The release folder `current` points at after the switch; null: `current` was removed. */
  release: string | null;
  /** The release folder `current` pointed at before; null: there was none. */
  previous: string | null;
  by: string;
}

export interface History {
  entries: HistoryEntry[];
  /** 1-based numbers of lines that did not parse (skipped, never fatal). */
  skipped: number[];
}

const NAME = /^[A-Za-z0-9._+-]+$/;
const validRef = (value: string) => value === "-" || (NAME.test(value) && !/^\.+$/.test(value));
const EVENTS: readonly string[] = ["deploy", "rollback", "restore"];

export const HISTORY_HEADER = "# shipline deploy history: <time> <event> <release> <previous> <by>\n";

/** One history line, newline included. */
export function formatHistoryLine(entry: HistoryEntry): string {
  for (const value of [entry.release ?? "-", entry.previous ?? "-"])
    if (!validRef(value)) throw new Error(`"${value}" cannot be recorded in the deploy history`);
  if (!/^[^\s]+$/.test(entry.time) || !/^[a-z]+$/.test(entry.by))
    throw new Error(`invalid history entry ${JSON.stringify(entry)}`);
  return `${entry.time} ${entry.event} ${entry.release ?? "-"} ${entry.previous ?? "-"} ${entry.by}\n`;
}

export function parseHistory(text: string): History {
  const entries: HistoryEntry[] = [];
  const skipped: number[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const [time, event, release, previous, by] = line.split(/[ \t]+/);
    if (!time || !event || !release || !previous || !by || !EVENTS.includes(event)) {
      skipped.push(index + 1);
      return;
    }
    if (!validRef(release) || !validRef(previous)) {
      skipped.push(index + 1);
      return;
    }
    entries.push({
      time,
      event: event as HistoryEvent,
      release: release === "-" ? null : release,
      previous: previous === "-" ? null : previous,
      by,
    });
  });
  return { entries, skipped };
}

export async function readHistory(dir: string): Promise<History> {
  try {
    return parseHistory(await readFile(join(dir, HISTORY), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], skipped: [] };
    throw error;
  }
}

/** Appends one entry with a single O_APPEND write; a new file starts with a comment naming the fields. */
export async function appendHistory(dir: string, entry: HistoryEntry): Promise<void> {
  const path = join(dir, HISTORY);
  const line = formatHistoryLine(entry);
  try {
    await writeFile(path, HISTORY_HEADER + line, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    await appendFile(path, line);
  }
}

/** How deep the stack goes: a rollback never undoes more than this many switches (the script has the same cap). */
export const STACK_DEPTH = 100;

/**
 * The stack of what was current, oldest first, replayed from the history (docs/action.md):
 * deploy R pushes R; rollback/restore R undoes everything above the topmost R (or replaces the top when R is not
 * on the stack); an entry whose `previous` is not the top first pushes it (the history heals itself).
 */
export function historyStack(entries: readonly HistoryEntry[]): string[] {
  const stack: string[] = [];
  const push = (name: string) => {
    stack.push(name);
    if (stack.length > STACK_DEPTH) stack.shift();
  };
  for (const entry of entries) {
    if (entry.previous !== null && stack.at(-1) !== entry.previous) push(entry.previous);
    const release = entry.release;
    if (entry.event === "deploy") {
      if (release !== null && stack.at(-1) !== release) push(release);
      continue;
    }
    if (release === null) {
      stack.length = 0;
      continue;
    }
    const at = stack.lastIndexOf(release);
    if (at >= 0) stack.length = at + 1;
    else {
      stack.pop();
      push(release);
    }
  }
  return stack;
}

export type PreviousChoice =
  | { ok: true; release: string; note?: string }
  | { ok: false; reason: "no-history" | "no-earlier"; error: string };

/**
 * What a rollback without a named version goes back to: the entry below the top of the history's stack, or the
 * top itself when `current` is not the top (it was switched outside Shipline: the top was current before).
 */
export function previousFromHistory(stack: readonly string[], current: string): PreviousChoice {
  const top = stack.at(-1);
  if (top === undefined)
    return {
      ok: false,
      reason: "no-history",
      error: `there is no deploy history here (${HISTORY}), so nothing says what was current before ${current}`,
    };
  if (top !== current)
    return {
      ok: true,
      release: top,
      note: `the history's last entry is ${top}, but current is ${current} (switched outside Shipline?); going back to ${top}`,
    };
  const below = stack.at(-2);
  if (below === undefined)
    return {
      ok: false,
      reason: "no-earlier",
      error: `the deploy history has no release before ${current}`,
    };
  return { ok: true, release: below };
}

/**
 * How recently each release was current by the history: a higher number is more recent; releases that never
 * appear are missing from the map.
 */
export function recency(entries: readonly HistoryEntry[]): Map<string, number> {
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (entry.previous !== null)
      seen.set(entry.previous, Math.max(seen.get(entry.previous) ?? -1, 2 * index));
    if (entry.release !== null) seen.set(entry.release, 2 * index + 1);
  });
  return seen;
}

/**
 * The one release every target's history goes back to, given each target's answer (release -> targets):
 * a rollback with no named release may only go where every target agrees.
 */
export function agreedRelease(
  answers: ReadonlyMap<string, string[]>,
  what: "targets" | "hosts",
): { ok: true; version: string } | { ok: false; why: string } {
  const [only, ...others] = [...answers.keys()];
  if (only === undefined) return { ok: false, why: `there are no ${what}` };
  if (others.length)
    return {
      ok: false,
      why: `the ${what}' histories disagree (${[...answers].map(([v, t]) => `${v} on ${t.join(", ")}`).join("; ")})`,
    };
  return { ok: true, version: only };
}
