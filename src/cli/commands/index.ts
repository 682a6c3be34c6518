import { auditCommand } from "./audit.js";
import { initCommand } from "./init.js";
import { releasesCommand } from "./releases.js";
import { rollbackCommand } from "./rollback.js";
import { runbookCommand } from "./runbook.js";
import type { Command } from "./types.js";
import { validateCommand } from "./validate.js";

/** Every `shipline` command; add new ones here. */
export const COMMANDS: readonly Command[] = [
  rollbackCommand,
  releasesCommand,
  initCommand,
  validateCommand,
  runbookCommand,
  auditCommand,
];
