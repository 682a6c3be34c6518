import type { Command, CommandName } from "./registry.js";

export type { Command, CommandName } from "./registry.js";
export { COMMAND_NAMES } from "./registry.js";

export type ParseResult =
  /** The comment is not a Shipline command (no leading slash, or someone else's command): stay silent. */
  | { kind: "none" }
  | { kind: "command"; command: Command }
  /** It is meant for Shipline but is malformed or unsafe: answer with `message` (Markdown). */
  | { kind: "error"; name?: CommandName; message: string };
