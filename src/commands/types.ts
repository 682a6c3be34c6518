/** A command from an issue or pull-request comment (or a check-run button), parsed and validated. */
export type Command =
  | { name: "deploy"; tag: string; stage?: string }
  | { name: "promote"; tag?: string; stage?: string }
  | { name: "rollback"; environment?: string; tag?: string; reason?: string }
  | { name: "pause"; stage?: string }
  | { name: "resume"; stage?: string }
  | { name: "lock"; environment: string; expiresInMs?: number; reason?: string }
  | { name: "unlock"; environment: string }
  | { name: "approve"; tag?: string; stage?: string }
  | { name: "hotfix"; tag: string; stage?: string; reason: string }
  | { name: "status"; tag?: string }
  | { name: "retry"; tag?: string; stage?: string }
  | { name: "help" };

export type CommandName = Command["name"];

export const COMMAND_NAMES: readonly CommandName[] = [
  "deploy",
  "promote",
  "rollback",
  "pause",
  "resume",
  "lock",
  "unlock",
  "approve",
  "hotfix",
  "status",
  "retry",
  "help",
];

export type ParseResult =
  /** The comment is not a Shipline command (no leading slash, or someone else's command): stay silent. */
  | { kind: "none" }
  | { kind: "command"; command: Command }
  /** It is meant for Shipline but is malformed or unsafe: answer with `message` (Markdown). */
  | { kind: "error"; name?: CommandName; message: string };
