import { resolve } from "node:path";
import {
  type KeptRelease,
  listReleases,
  readCurrent,
  switchCurrent,
} from "../../rollout/drivers/release-dir.js";
import { parseFlags } from "../args.js";
import type { Command } from "./types.js";

/** The release to go back to: the named one, or the newest kept release installed before the current one. */
export function rollbackTarget(
  kept: readonly KeptRelease[],
  current: string | null,
  to: string | undefined,
): { ok: true; release: KeptRelease } | { ok: false; error: string } {
  const names = kept.map((r) => r.meta.version).join(", ") || "none";
  if (to !== undefined) {
    const release = kept.find((r) => r.meta.version === to || r.name === to);
    if (!release) return { ok: false, error: `${to} is not kept here (kept: ${names})` };
    if (release.name === current) return { ok: false, error: `${to} is already the current release` };
    return { ok: true, release };
  }
  if (current === null)
    return { ok: false, error: `there is no current release to roll back from (kept: ${names})` };
  const index = kept.findIndex((r) => r.name === current);
  const older = index > 0 ? kept[index - 1] : undefined;
  if (!older)
    return {
      ok: false,
      error: `no release older than ${current} is kept (kept: ${names}); name one with --to`,
    };
  return { ok: true, release: older };
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
    const current = await readCurrent(dir);
    const choice = rollbackTarget(await listReleases(dir), current, parsed.flags.to);
    if (!choice.ok) {
      io.err(`${dir}: ${choice.error}`);
      return 1;
    }
    await switchCurrent(dir, choice.release.name);
    io.out(`${dir}: current -> releases/${choice.release.name} (was ${current ?? "nothing"})`);
    io.out("Restart or reload the service if it does not follow the `current` link by itself.");
    return 0;
  },
};
