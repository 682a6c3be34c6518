import { releasesCommand } from "./releases.js";
import { rollbackCommand } from "./rollback.js";
import type { Command } from "./types.js";

/** Every `shipline` command; add new ones here. */
export const COMMANDS: readonly Command[] = [rollbackCommand, releasesCommand];
