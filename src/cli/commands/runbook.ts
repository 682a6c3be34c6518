import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { runbookFor, runbookIsCurrent } from "../../runbook/current.js";
import { RUNBOOK_PATH } from "../../runbook/generate.js";
import type { Command } from "./types.js";
import { readConfigInput, readText } from "./validate.js";

export const runbookCommand: Command = {
  name: "runbook",
  summary: "Write RUNBOOK.md from the config (deploy, monitor, verify, roll back, approvals, gates)",
  usage: "shipline runbook [--dir <repository>] [--config <file>] [--out <file> | -] [--check]",
  async run(args, io) {
    const input = await readConfigInput(args, io, { flags: ["out"], switches: ["check"] });
    if (typeof input === "number") return input;
    const { dir, file, text, on } = input;
    const out = input.flags.out ?? RUNBOOK_PATH;
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
