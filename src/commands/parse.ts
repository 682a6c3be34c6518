import { formatDuration, parseDuration } from "../config/duration.js";
import { nearest } from "../config/suggest.js";
import { COMMAND_NAMES, type Command, type CommandName, specOf } from "./registry.js";
import type { Slot, SlotKey } from "./spec.js";
import { usageOf } from "./syntax.js";
import type { ParseResult } from "./types.js";

/** Longest first line we read as a command. */
export const MAX_COMMAND_LENGTH = 400;
export const MAX_REASON_LENGTH = 300;
/** Longest lock Shipline accepts: locks are for maintenance, not for parking an environment. */
export const MAX_LOCK_MS = 30 * 86_400_000;

const TAG = /^[A-Za-z0-9][A-Za-z0-9._/+-]{0,127}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const TOKEN_CHAR = /[A-Za-z0-9._/+-]/;
const REASON_CHAR = /[\p{L}\p{M}\p{N} .,:!?()[\]#@/_+=%*'-]/u;
const SLASH_LOOKALIKES = new Set([
  "\u2044",
  "\u2215",
  "\uFF0F",
  "\u29F8",
  "\u2571",
  "\u27CB",
  "\u3033",
  "\u2CC6",
]);
/** Letters that render like ASCII ones (Cyrillic, Greek, and the like); NFKC handles fullwidth forms. */
const CONFUSABLE: Record<string, string> = {
  "\u0430": "a",
  "\u0435": "e",
  "\u043E": "o",
  "\u0440": "p",
  "\u0441": "c",
  "\u0443": "y",
  "\u0445": "x",
  "\u0456": "i",
  "\u0455": "s",
  "\u0501": "d",
  "\u04CF": "l",
  "\u0458": "j",
  "\u043A": "k",
  "\u043C": "m",
  "\u0442": "t",
  "\u0432": "b",
  "\u043D": "h",
  "\u03BF": "o",
  "\u03B1": "a",
  "\u03BD": "v",
  "\u03C1": "p",
  "\u03B9": "i",
  "\u03BA": "k",
  "\u03C4": "t",
  "\u0261": "g",
  "\u0131": "i",
};

export interface ParseOptions {
  /** Stage names of the pipeline: when given, unknown stages are refused with the list. */
  stages?: readonly string[];
  /** Environment names of the pipeline: likewise. */
  environments?: readonly string[];
}

const isCommandName = (word: string): word is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(word);

const codepoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** Characters that render as nothing (zero-width space/joiners, word joiner, BOM, soft hyphen). */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/gu;

function fold(word: string): string {
  return [...word.replace(INVISIBLE, "").normalize("NFKC")]
    .map((c) => CONFUSABLE[c] ?? c)
    .join("")
    .toLowerCase();
}

/** Describes a character that may not appear in a tag or a name. */
function badChar(ch: string): string {
  if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return `the control character ${codepoint(ch)}`;
  if (ch.charCodeAt(0) > 0x7e && /^[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]$/u.test(ch))
    return `the invisible character ${codepoint(ch)}`;
  if (ch.charCodeAt(0) > 0x7e) {
    const looks = CONFUSABLE[ch] ?? ch.normalize("NFKC");
    const like = /^[\x20-\x7e]$/.test(looks) ? ` (it looks like "${looks}")` : "";
    return `the non-ASCII character ${codepoint(ch)}${like}`;
  }
  if (ch === "`") return "a backtick (`` ` ``)";
  return `\`${ch}\``;
}

class CommandError extends Error {}

/**
 * Parses the first line of a comment. Never throws; anything that is not clearly a well-formed Shipline
 * command is either ignored (`none`: not addressed to us) or refused with a message saying what is wrong.
 */
export function parseCommand(body: string, options: ParseOptions = {}): ParseResult {
  try {
    return parse(body, options);
  } catch (error) {
    if (error instanceof CommandError) return { kind: "error", message: error.message };
    return { kind: "error", message: "Shipline could not read this command." };
  }
}

function parse(body: string, options: ParseOptions): ParseResult {
  if (typeof body !== "string") return { kind: "none" };
  const head = body.slice(0, MAX_COMMAND_LENGTH * 4);
  const line = (head.split(/\r\n|\r|\n/, 1)[0] ?? "").replace(/^[ \t]+|[ \t]+$/g, "");
  const first = [...line][0] ?? "";

  if (first !== "/") {
    if (!SLASH_LOOKALIKES.has(first)) return { kind: "none" };
    const word = /^\S+/.exec(line.slice(first.length))?.[0] ?? "";
    const name = fold(word);
    if (!isCommandName(name)) return { kind: "none" };
    return refuse(
      name,
      `The comment starts with ${codepoint(first)}, which looks like a slash but is not one. Type \`/${name}\` with an ASCII slash.`,
    );
  }

  const rawWord = /^\/([^ \t]*)/.exec(line)?.[1] ?? "";
  const letters = /^[A-Za-z]*/.exec(rawWord)![0];
  const lower = letters.toLowerCase();
  if (letters.length === rawWord.length) {
    if (!isCommandName(lower)) return typo(lower);
  } else {
    // Something other than an ASCII letter in the command word itself.
    const folded = fold(rawWord);
    const foldedName = /^[a-z]*/.exec(folded)![0];
    if (isCommandName(lower)) {
      const ch = [...rawWord.slice(letters.length)][0]!;
      return refuse(
        lower,
        `${badChar(ch)} right after \`/${lower}\` is not allowed. Usage: \`${usageOf(lower)}\``,
      );
    }
    if (isCommandName(foldedName) && [...rawWord].some((c) => c.charCodeAt(0) > 0x7f)) {
      const ch = [...rawWord].find((c) => c.charCodeAt(0) > 0x7f)!;
      const hidden = new RegExp(INVISIBLE.source, "u").test(ch);
      return refuse(
        foldedName,
        hidden
          ? `\`/${foldedName}\` has ${badChar(ch)} inside it (text pasted from a chat or a document often does). Type the command again. Usage: \`${usageOf(foldedName)}\``
          : `\`/${foldedName}\` is spelled with ${badChar(ch)}. Type it with ASCII letters.`,
      );
    }
    return { kind: "none" };
  }

  const name = lower as CommandName;
  if ([...line].length > MAX_COMMAND_LENGTH)
    return refuse(name, `The command is longer than ${MAX_COMMAND_LENGTH} characters.`);
  const rest = line.slice(1 + rawWord.length);
  const split = splitReason(rest);
  const tokens = split.args.split(/[ \t]+/).filter((t) => t.length > 0);
  try {
    for (const token of tokens) checkToken(token);
    const reason = split.reason === undefined ? undefined : checkReason(split.reason);
    return { kind: "command", command: build(name, tokens, reason, options) };
  } catch (error) {
    if (error instanceof CommandError) return refuse(name, `${error.message} Usage: \`${usageOf(name)}\``);
    throw error;
  }
}

/** `/promte`: not ours, but so close to one of our commands that silence would leave the user guessing. */
function typo(word: string): ParseResult {
  const guess = nearest(word, COMMAND_NAMES) as CommandName | undefined;
  if (!guess) return { kind: "none" };
  return refuse(
    guess,
    `\`/${word}\` is not a Shipline command. Did you mean \`/${guess}\`? Usage: \`${usageOf(guess)}\` (\`/help\` lists every command).`,
  );
}

function refuse(name: CommandName, message: string): ParseResult {
  return { kind: "error", name, message };
}

/** " -- " (or a trailing " --") starts the free-text reason. */
function splitReason(rest: string): { args: string; reason?: string } {
  const m = /(^|[ \t])--([ \t]|$)/.exec(rest);
  if (!m) return { args: rest };
  return { args: rest.slice(0, m.index), reason: rest.slice(m.index + m[0].length).trim() };
}

function checkToken(token: string): void {
  for (const ch of token) {
    if (!TOKEN_CHAR.test(ch))
      throw new CommandError(
        `${badChar(ch)} is not allowed in "${printable(token)}": tags and names use only letters, digits and \`. _ / + -\`.`,
      );
  }
}

function checkReason(reason: string): string {
  if ([...reason].length > MAX_REASON_LENGTH)
    throw new CommandError(`The reason is longer than ${MAX_REASON_LENGTH} characters.`);
  for (const ch of reason) {
    if (!REASON_CHAR.test(ch))
      throw new CommandError(
        `${badChar(ch)} is not allowed in a reason; use letters, digits, spaces and \`. , : ! ? ( ) [ ] # @ / _ + = % * ' -\`.`,
      );
  }
  return reason;
}

function printable(token: string): string {
  return [...token]
    .map((c) => (/[\x20-\x7e]/.test(c) && c !== "`" ? c : "?"))
    .join("")
    .slice(0, 60);
}

const LABEL: Record<SlotKey, string> = {
  tag: "<tag>",
  stage: "<stage>",
  environment: "<environment>",
  expires: "<duration>",
};

function build(
  name: CommandName,
  tokens: string[],
  reason: string | undefined,
  options: ParseOptions,
): Command {
  const grammar = specOf(name).grammar;
  const keywords = new Set(grammar.slots.map((s) => s.keyword).filter((k) => k !== undefined));
  const values: Partial<Record<SlotKey, string>> = {};
  let i = 0;
  for (const slot of grammar.slots) {
    const token = tokens[i];
    if (token === undefined) break;
    if (slot.keyword) {
      if (token !== slot.keyword) continue;
      const value = tokens[i + 1];
      if (value === undefined)
        throw new CommandError(`\`${slot.keyword}\` needs a ${LABEL[slot.key]} after it.`);
      values[slot.key] = value;
      i += 2;
    } else if (!keywords.has(token)) {
      values[slot.key] = token;
      i += 1;
    }
  }
  if (i < tokens.length) throw new CommandError(`Unexpected "${tokens[i]}".`);
  for (const key of grammar.required)
    if (values[key] === undefined) throw new CommandError(`\`/${name}\` needs a ${LABEL[key]}.`);
  if (grammar.reason === "no" && reason !== undefined)
    throw new CommandError(`\`/${name}\` does not take a reason.`);
  if (grammar.reason === "required" && !reason)
    throw new CommandError(
      `\`/${name}\` needs a reason after \` -- \`, e.g. \`/hotfix v1.2.3 -- checkout is down\`.`,
    );

  for (const slot of grammar.slots) validate(slot, values[slot.key], options);
  // The command is its name, its arguments under their slot names (a duration in ms) and its reason.
  const command: Record<string, string | number> = { name };
  for (const slot of grammar.slots) {
    const value = values[slot.key];
    if (value === undefined) continue;
    if (slot.kind === "duration") command.expiresInMs = parseDuration(value)!;
    else command[slot.key] = value;
  }
  if (grammar.reason !== "no" && reason) command.reason = reason;
  return command as unknown as Command;
}

function validate(slot: Slot, value: string | undefined, options: ParseOptions): void {
  if (value === undefined) return;
  switch (slot.kind) {
    case "tag":
      if (
        !TAG.test(value) ||
        value.includes("..") ||
        value.endsWith("/") ||
        value.endsWith(".") ||
        value.includes("//")
      )
        throw new CommandError(`"${value}" is not a release tag.`);
      return;
    case "stage":
    case "environment": {
      if (!NAME.test(value)) throw new CommandError(`"${value}" is not a ${slot.kind} name.`);
      const known = slot.kind === "stage" ? options.stages : options.environments;
      if (known && !known.includes(value))
        throw new CommandError(
          `There is no ${slot.kind} "${value}" (${slot.kind}s: ${known.join(", ") || "none"}).`,
        );
      return;
    }
    case "duration": {
      const ms = parseDuration(value);
      if (ms === undefined || ms <= 0)
        throw new CommandError(`"${value}" is not a duration such as 30m, 2h or 1d.`);
      if (ms > MAX_LOCK_MS) throw new CommandError(`A lock may last at most ${formatDuration(MAX_LOCK_MS)}.`);
      return;
    }
  }
}

/** The canonical text of a command (for replies and the audit trail); parsing it gives the command back. */
export function formatCommand(command: Command): string {
  const parts: string[] = [`/${command.name}`];
  const fields = command as unknown as Record<string, string | number | undefined>;
  for (const slot of specOf(command.name).grammar.slots) {
    const value = slot.kind === "duration" ? fields.expiresInMs : fields[slot.key];
    if (value === undefined) continue;
    if (slot.keyword) parts.push(slot.keyword);
    parts.push(typeof value === "number" ? formatDuration(value) : value);
  }
  if (typeof fields.reason === "string" && fields.reason) parts.push("--", fields.reason);
  return parts.join(" ");
}
