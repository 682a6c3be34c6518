import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CONFIG_PATH, formatProblems, parseConfig } from "../../config/parse.js";
import { runbookIsCurrent } from "../../runbook/current.js";
import { RUNBOOK_PATH } from "../../runbook/generate.js";
import { parseFlags } from "../args.js";
import type { CliIO, Command } from "./types.js";

/** `--name` switches without a value, taken out before `parseFlags` (which expects values). */
export function takeSwitches(
  args: readonly string[],
  names: readonly string[],
): { rest: string[]; on: Set<string> } {
  const on = new Set<string>();
  const rest = args.filter((a) => {
    const name = a.startsWith("--") ? a.slice(2) : "";
    if (names.includes(name)) on.add(name);
    return !names.includes(name);
  });
  return { rest, on };
}

export async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** What a command that reads the config got: its folder, file and text, its other flags and switches. */
export interface ConfigInput {
  dir: string;
  /** As the user named it (default .github/shipline.yml), relative to `dir`. */
  file: string;
  text: string;
  flags: Record<string, string>;
  on: Set<string>;
}

/**
 * `--dir <repository>` and `--config <file>` (plus `flags` and `switches`), and the config's text. On bad flags (2)
 * or a missing config (4) it has told the user and answers the exit code.
 */
export async function readConfigInput(
  args: readonly string[],
  io: CliIO,
  spec: { flags?: readonly string[]; switches?: readonly string[] },
): Promise<ConfigInput | number> {
  const { rest, on } = takeSwitches(args, spec.switches ?? []);
  const parsed = parseFlags(rest, ["dir", "config", ...(spec.flags ?? [])]);
  if (!parsed.ok) {
    io.err(parsed.error);
    return 2;
  }
  const dir = resolve(parsed.flags.dir ?? ".");
  const file = parsed.flags.config ?? CONFIG_PATH;
  const text = await readText(resolve(dir, file));
  if (text === undefined) {
    io.err(`${file} not found in ${dir}: run \`node shipline.mjs init\` to write a starter config`);
    return 4;
  }
  return { dir, file, text, flags: parsed.flags, on };
}

export const validateCommand: Command = {
  name: "validate",
  summary:
    "Check .github/shipline.yml with the App's own parser; prints the problems its check run would show",
  usage: "shipline validate [--dir <repository>] [--config <file>] [--org-defaults <file>] [--json]",
  help: "Exit 0 when the config is valid (a stale RUNBOOK.md is a warning), 1 with its problems, each at its line.",
  async run(args, io) {
    const input = await readConfigInput(args, io, { flags: ["org-defaults"], switches: ["json"] });
    if (typeof input === "number") return input;
    const { dir, file, text, on } = input;
    const orgPath = input.flags["org-defaults"];
    const orgDefaults = orgPath ? await readText(resolve(orgPath)) : undefined;
    if (orgPath && orgDefaults === undefined) {
      io.err(`${orgPath} not found`);
      return 4;
    }
    const result = parseConfig(text, { file, ...(orgDefaults === undefined ? {} : { orgDefaults }) });
    if (on.has("json")) {
      io.out(
        JSON.stringify(
          result.ok
            ? { file, valid: true, config: result.config }
            : { file, valid: false, problems: result.problems },
          null,
          2,
        ),
      );
      return result.ok ? 0 : 1;
    }
    if (!result.ok) {
      io.out(formatProblems(result.problems));
      return 1;
    }
    io.out(`${file} is valid:`);
    for (const p of result.config.pipelines)
      io.out(`- ${p.name} (tags ${p.tags}): ${p.stages.map((s) => s.name).join(" → ")}`);
    const runbook = await readText(join(dir, RUNBOOK_PATH));
    if (runbook !== undefined) {
      const check = runbookIsCurrent(text, runbook);
      if (!check.current) io.err(`warning: ${check.reason}`);
    }
    return 0;
  },
};
