import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  appendHistory,
  HISTORY,
  historyStack,
  previousFromHistory,
  readHistory,
} from "../../rollout/drivers/history.js";
import { withTargetLock } from "../../rollout/drivers/lock.js";
import {
  type KeptRelease,
  listReleases,
  readCurrent,
  releaseDirName,
  switchCurrent,
} from "../../rollout/drivers/release-dir.js";
import { parseFlags } from "../args.js";
import type { Command } from "./types.js";

export type RollbackChoice = { ok: true; release: KeptRelease; note?: string } | { ok: false; error: string };

/**
 * The release to go back to: the named one, or what was current before the current one by the target's deploy
 * history (docs/action.md, "On-target layout and offline rollback"), never by install time. The same rule as
 * the `shipline-rollback` script every target carries.
 */
export function rollbackTarget(
  kept: readonly KeptRelease[],
  current: string | null,
  to: string | undefined,
  stack: readonly string[],
): RollbackChoice {
  const names = kept.map((r) => r.name).join(", ") || "none";
  if (to !== undefined) {
    const release = kept.find((r) => r.meta.version === to || r.name === to || r.name === safeName(to));
    if (!release) return { ok: false, error: `${to} is not kept here (kept: ${names})` };
    if (release.name === current) return { ok: false, error: `${to} is already the current release` };
    return { ok: true, release };
  }
  if (current === null)
    return { ok: false, error: `there is no current release to roll back from (kept: ${names})` };
  const choice = previousFromHistory(stack, current);
  if (!choice.ok) return { ok: false, error: `${choice.error} (kept: ${names}); name one with --to` };
  const release = kept.find((r) => r.name === choice.release);
  if (!release)
    return {
      ok: false,
      error: `${choice.release}, current before ${current}, is no longer kept here (kept: ${names}); name one with --to`,
    };
  return { ok: true, release, ...(choice.note ? { note: choice.note } : {}) };
}

function safeName(version: string): string | undefined {
  try {
    return releaseDirName(version);
  } catch {
    return undefined;
  }
}

export const rollbackCommand: Command = {
  name: "rollback",
  summary: "Switch a directory target back to a kept release, offline (no GitHub, no CI, no network)",
  usage: "shipline rollback --dir <target dir> [--to <version>]",
  async run(args, io) {
    const parsed = parseFlags(args, ["dir", "to"]);
    if (!parsed.ok || !parsed.flags.dir) {
      io.err(parsed.ok ? "--dir is required" : parsed.error);
      return 2;
    }
    const dir = resolve(parsed.flags.dir);
    if (
      !(await stat(dir)
        .then((st) => st.isDirectory())
        .catch(() => false))
    ) {
      io.err(`${dir}: no such directory`);
      return 1;
    }
    const named = parsed.flags.to;
    return withTargetLock(dir, "cli", async () => {
      const current = await readCurrent(dir);
      const history = await readHistory(dir);
      if (history.skipped.length)
        io.err(
          `warning: skipped line(s) ${history.skipped.join(", ")} of ${dir}/${HISTORY}: they do not parse`,
        );
      const choice = rollbackTarget(await listReleases(dir), current, named, historyStack(history.entries));
      if (!choice.ok) {
        io.err(`${dir}: ${choice.error}`);
        return 1;
      }
      if (choice.note) io.err(`note: ${choice.note}`);
      const to = choice.release.name;
      await switchCurrent(dir, to);
      io.out(`${dir}: current -> releases/${to} (was ${current ?? "nothing"})`);
      const entry = {
        time: new Date().toISOString(),
        event: "rollback",
        release: to,
        previous: current,
        by: "cli",
      } as const;
      try {
        await appendHistory(dir, entry);
      } catch (error) {
        io.err(
          `${dir}: current was switched, but ${HISTORY} could not be written (${error instanceof Error ? error.message : String(error)}); add this line to it by hand, or the next rollback goes back to ${current ?? "nothing"}:`,
        );
        io.err(`${entry.time} rollback ${to} ${current ?? "-"} cli`);
        return 1;
      }
      io.out(`recorded in ${dir}/${HISTORY}`);
      io.out("Restart or reload the service if it does not follow the `current` link by itself.");
      return 0;
    });
  },
};
