// The CLI run in process as a user runs it, with what it prints captured.
import type { CliIO, Command } from "../../src/cli/commands/types.js";
import { runCli } from "../../src/cli/run.js";

export interface CliResult {
  code: number;
  /** stdout lines, joined by newlines. */
  out: string;
  /** stderr lines, joined by newlines. */
  err: string;
}

/** `shipline <argv>`; `io` adds terminal traits (color, tty, ask), `commands` replaces the command table. */
export async function runCliCaptured(
  argv: readonly string[],
  options: { io?: Partial<CliIO>; commands?: Command[] } = {},
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), ...options.io };
  const code = await runCli(argv, io, options.commands);
  return { code, out: out.join("\n"), err: err.join("\n") };
}
