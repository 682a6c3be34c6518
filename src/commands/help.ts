import type { CommandSpec } from "./spec.js";
import { helpText } from "./syntax.js";

export type HelpCommand = { name: "help" };

/** /help: every registered command with its arguments and what it does. */
export const help: CommandSpec<HelpCommand> = {
  name: "help",
  usage: "/help",
  description: "Show this help.",
  grammar: { slots: [], required: [], reason: "no" },
  readOnly: true,
  standalone: true,
  decide: () => ({ effects: [], reply: helpText(), outcome: "done" }),
};
