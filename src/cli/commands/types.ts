export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Colour the output (a terminal without NO_COLOR); plain text otherwise. */
  color?: boolean;
  /** stdout is a terminal: `watch` redraws in place, `init` may ask questions. */
  tty?: boolean;
  /** Asks a question on the terminal (interactive `init`); absent when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

/** One `shipline <name>` command: add a file and a line in commands/index.ts. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** More lines for `shipline <name> --help`: flags, examples. */
  help?: string;
  /** Returns the process exit code (src/cli/exit.ts). */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
