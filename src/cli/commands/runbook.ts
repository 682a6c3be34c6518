import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { CONFIG_PATH } from "../../config/parse.js";
import { runbookFor, runbookIsCurrent } from "../../runbook/current.js";
import { RUNBOOK_PATH } from "../../runbook/generate.js";
import { parseFlags } from "../args.js";
import type { Command } from "./types.js";
import { readText, takeSwitches } from "./validate.js";

export const runbookCommand: Command = {
  name: "runbook",
  summary: "Write RUNBOOK.md from the config (deploy, monitor, verify, roll back, approvals, gates)",
  usage: "shipline runbook [--dir <repository>] [--config <file>] [--out <file> | -] [--check]",
  async run(args, io) {
    const { rest, on } = takeSwitches(args, ["check"]);
    const parsed = parseFlags(rest, ["dir", "config", "out"]);
    if (!parsed.ok) {
      io.err(parsed.error);
      return 2;
    }
    const dir = resolve(parsed.flags.dir ?? ".");
    const file = parsed.flags.config ?? CONFIG_PATH;
    const text = await readText(resolve(dir, file));
    if (text === undefined) {
      io.err(`${file} not found in ${dir}: run \`node shipline.mjs init\` first`);
      return 1;
    }
    const out = parsed.flags.out ?? RUNBOOK_PATH;
    if (on.has("check")) {
      const current = await readText(resolve(dir, out));
      const check =
        current === undefined
          ? { current: false as const, reason: `${out} does not exist` }
          : runbookIsCurrent(text, current);
      if (check.current) io.out(`${out} matches ${file}`);
      else io.err(check.reason);
      return check.current ? 0 : 1;
    }
    const runbook = runbookFor(text);
    if (!runbook.ok) {
      io.err(`${file} is not valid:`);
      io.out(runbook.problems);
      return 1;
    }
    if (out === "-") {
      io.out(runbook.text.trimEnd());
      return 0;
    }
    await writeFile(resolve(dir, out), runbook.text);
    io.out(`wrote ${out}`);
    return 0;
  },
};
