import { approve } from "./approve.js";
import { deploy } from "./deploy.js";
import { help } from "./help.js";
import { hotfix } from "./hotfix.js";
import { lock } from "./lock.js";
import { pause } from "./pause.js";
import { promote } from "./promote.js";
import { resume } from "./resume.js";
import { retry } from "./retry.js";
import { rollback } from "./rollback.js";
import type { CommandSpec } from "./spec.js";
import { status } from "./status.js";
import { unlock } from "./unlock.js";

/**
 * Every comment command, in the order /help lists them. Adding a command: write src/commands/<name>.ts (its
 * type and its CommandSpec) and its test, and add it here; parsing, /help, authorization and replies follow.
 */
export const COMMANDS = [
  deploy,
  promote,
  rollback,
  pause,
  resume,
  lock,
  unlock,
  approve,
  hotfix,
  status,
  retry,
  help,
] as const;

type SpecCommand<S> = S extends CommandSpec<infer C> ? C : never;

/** A command from an issue or pull-request comment (or a check-run button), parsed and validated. */
export type Command = SpecCommand<(typeof COMMANDS)[number]>;
export type CommandName = Command["name"];

export const COMMAND_NAMES: readonly CommandName[] = COMMANDS.map((c) => c.name);

/** The spec of a command (typed by the command it is given). */
export function specOf<C extends Command>(command: C): CommandSpec<C>;
export function specOf(name: CommandName): CommandSpec<Command>;
export function specOf(what: Command | CommandName): CommandSpec<Command> {
  const name = typeof what === "string" ? what : what.name;
  return COMMANDS.find((c) => c.name === name) as unknown as CommandSpec<Command>;
}
