import { resolve } from "node:path";
import { listReleases, readCurrent } from "../../rollout/drivers/release-dir.js";
import { parseFlags } from "../args.js";
import type { Command } from "./types.js";
import { takeSwitches } from "./validate.js";

export const releasesCommand: Command = {
  name: "releases",
  summary: "List the releases kept in a directory target, marking the current one",
  usage: "shipline releases --dir <target dir> [--json]",
  async run(args, io) {
    const { rest, on } = takeSwitches(args, ["json"]);
    const parsed = parseFlags(rest, ["dir"]);
    if (!parsed.ok || !parsed.flags.dir) {
      io.err(parsed.ok ? "--dir is required" : parsed.error);
      return 2;
    }
    const dir = resolve(parsed.flags.dir);
    const current = await readCurrent(dir);
    const kept = await listReleases(dir);
    if (on.has("json")) {
      io.out(
        JSON.stringify(
          [...kept].reverse().map((r) => ({ ...r.meta, current: r.name === current })),
          null,
          2,
        ),
      );
      return 0;
    }
    if (kept.length === 0) {
      io.out(`${dir}: no releases kept (nothing under ${dir}/releases/)`);
      return 0;
    }
    for (const r of [...kept].reverse())
      io.out(
        `${r.name === current ? "*" : " "} ${r.meta.version.padEnd(24)} installed ${r.meta.installedAt}`,
      );
    return 0;
  },
};
