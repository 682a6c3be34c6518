export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

/** One `shipline <name>` command: add a file and a line in commands/index.ts. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}
