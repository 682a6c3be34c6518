import { auditCommand } from "./audit.js";
import { initCommand } from "./init.js";
import { releasesCommand } from "./releases.js";
import { remoteCommands } from "./remote.js";
import { rollbackCommand } from "./rollback.js";
import { runbookCommand } from "./runbook.js";
import { makeStatusCommand, makeWatchCommand } from "./status.js";
import type { Command } from "./types.js";
import { validateCommand } from "./validate.js";

/** Every `shipline` command, in the order `shipline --help` lists them; add new ones here. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  validateCommand,
  runbookCommand,
  makeStatusCommand(),
  makeWatchCommand(),
  ...remoteCommands(undefined, rollbackCommand),
  auditCommand,
  releasesCommand,
];
