import { COMMANDS } from "./commands/index.js";
import type { CliIO, Command } from "./commands/types.js";

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: shipline <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}\n  ${" ".repeat(width)}  ${c.usage}`),
  ].join("\n");
}

/** Dispatches argv (without node and the script) to a command; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIO, commands = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(help(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`unknown command "${name}"\n\n${help(commands)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`shipline ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
