import { readFileSync } from "node:fs";
import { nearest } from "../config/suggest.js";
import { COMMANDS } from "./commands/index.js";
import type { CliIO, Command } from "./commands/types.js";
import { EXIT } from "./exit.js";
import { CliError } from "./github.js";

/** The version in package.json (two folders up from both src/cli and the built lib/cli). */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: shipline <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "`shipline <command> --help` shows a command's options; `shipline --version` the version.",
    "Exit codes: 0 done, 1 the answer is no (problems, refused, failed), 2 bad command line,",
    "3 not authenticated, 4 not found, 5 GitHub or the App unreachable (docs/cli.md).",
  ].join("\n");
}

function commandHelp(c: Command): string {
  return [`usage: ${c.usage}`, "", c.summary, ...(c.help ? ["", c.help] : [])].join("\n");
}

/** Flags before a lone `--` (after it comes free text, such as a reason). */
const flagsOf = (args: readonly string[]) => {
  const end = args.indexOf("--");
  return end === -1 ? args : args.slice(0, end);
};

/** Dispatches argv (without node and the script) to a command; returns the exit code (src/cli/exit.ts). */
export async function runCli(argv: readonly string[], io: CliIO, commands = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    io.out(`shipline ${cliVersion()}`);
    return EXIT.ok;
  }
  if (!name || name === "--help" || name === "-h") {
    io.out(help(commands));
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === "help") {
    const target = rest[0] ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out(target ? commandHelp(target) : help(commands));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const guess = nearest(
      name,
      commands.map((c) => c.name),
    );
    io.err(
      `unknown command "${name}"${guess ? `: did you mean \`shipline ${guess}\`?` : ""}\n\n${guess ? `usage: ${commands.find((c) => c.name === guess)!.usage}` : help(commands)}`,
    );
    return EXIT.usage;
  }
  const flags = flagsOf(rest);
  if (flags.includes("--help") || flags.includes("-h")) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  if (flags.includes("--version")) {
    io.out(`shipline ${cliVersion()}`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`shipline ${name}: ${error.message}`);
      return error.code;
    }
    io.err(`shipline ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}
