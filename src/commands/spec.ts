import type { Pipeline, ResolvedStage } from "../config/types.js";
import type { StageView } from "../pipeline/state.js";
import type { CheckRunState, Effect, Snapshot } from "../pipeline/types.js";
import type { LockRecord } from "../records/codec.js";
import type { ReplyOutcome } from "./reply.js";

/**
 * Everything about one comment command, in one file per command (src/commands/<name>.ts), listed once in
 * registry.ts: how it is written (usage, grammar), what it says in /help, who may run it, which facts the shell
 * must read for it (needs) and what it does with them (decide). Parsing, /help, authorization and the reply all
 * read the registry.
 */
export interface CommandSpec<C extends { name: string }> {
  name: C["name"];
  /** How it is written; shown in errors and in /help. */
  usage: string;
  /** One line for /help and docs/commands.md. */
  description: string;
  /** Its arguments in the order they are written; the parser and formatCommand read them. */
  grammar: Grammar;
  /** Changes nothing: anyone may run it, and no permission is read. */
  readOnly?: boolean;
  /** Starts a deploy: its audit record names the stage (four-eyes counts whoever triggered it). */
  triggers?: boolean;
  /** Runs without a release and without a valid config (/help). */
  standalone?: boolean;
  /** Acts on an environment, not a release: runs when no release is published yet (/lock, /unlock). */
  environmentOnly?: boolean;
  /** The release the command names (otherwise a button's release, else the newest release). */
  release?(command: C): string | undefined;
  /** Facts beyond the release, its check runs and the actor's permission and teams. */
  needs?(command: C, pipeline: Pipeline): Pick<CommandNeeds, "previousRelease" | "currentLock">;
  /** The stage it acts on (named, or resolved from where the release is): authorize judges it. */
  target?(command: C, pipeline: Pipeline, views: StageView[]): ResolvedStage | undefined;
  /** What it does, given the facts; authorization has already allowed it. */
  decide(facts: CommandFacts<C>): CommandDraft;
}

export type SlotKey = "tag" | "stage" | "environment" | "expires";

export interface Slot {
  key: SlotKey;
  kind: "tag" | "stage" | "environment" | "duration";
  /** A word written before the value (`to <stage>`); without one the value stands alone. */
  keyword?: string;
}

export interface Grammar {
  slots: readonly Slot[];
  required: readonly SlotKey[];
  reason: "no" | "optional" | "required";
}

/** `[<tag>] [to <stage>]`, the slots of every command that acts on a release's stage. */
export const TAG_TO_STAGE: readonly Slot[] = [
  { key: "tag", kind: "tag" },
  { key: "stage", kind: "stage", keyword: "to" },
];

/** What the shell reads for a command before deciding (nothing else is read). */
export interface CommandNeeds {
  /** The actor's permission on the repository. */
  permission: boolean;
  /** The teams of the actor among these principals (read only when the permission is write or better). */
  teams?: readonly string[];
  /** The release and Shipline's check runs on its commit. */
  snapshot: boolean;
  /** The environment whose previous successful release a rollback goes back to. */
  previousRelease?: string;
  /** The environment whose current lock matters. */
  currentLock?: string;
}

/** A check run as the shell read it, with its title (GitHub needs it back when the summary changes). */
export type CommandCheck = CheckRunState & { title?: string };

/** The facts a command decides from (read by the shell as `needs` asked). */
export interface CommandFacts<C> {
  command: C;
  /** The command's canonical text (formatCommand). */
  text: string;
  pipeline: Pipeline;
  snapshot?: Snapshot & { checkRuns: CommandCheck[] };
  /** Each stage's phase, from the snapshot (empty without one). */
  views: StageView[];
  /** The stage the command acts on (CommandSpec.target). */
  stage?: ResolvedStage;
  actor: string;
  now: Date;
  /** Unique to this comment or button press ("c<commentId>", "b<delivery>"): claim keys for its dispatches. */
  key: string;
  /** /rollback: the environment's previous successful release (when the command names none). */
  previousRelease?: string;
  /** /lock: the environment's current lock, if any. */
  currentLock?: LockRecord;
}

export type LockChange = { kind: "create"; lock: LockRecord } | { kind: "remove"; environment: string };

/** A deploy job the protection rule left waiting for approvals (it is reviewed again after /approve). */
export interface WaitingJob {
  runId: number;
  environment: string;
  ref: string;
  sha: string;
}

export interface CommandDecision {
  effects: Effect[];
  /** The answer (Markdown), wrapped by replyMarkdown. */
  reply: string;
  outcome: ReplyOutcome;
  /** The stage acted on, for links. */
  stage?: string;
  /** The environment acted on, for links. */
  environment?: string;
  /** An environment lock to create or remove (the shell reports back whether it could: lockReply). */
  lock?: LockChange;
  /** A deploy job waiting in the protection rule whose gates should be reviewed again (after /approve). */
  review?: WaitingJob;
}

/** A decision plus lines for the release's `shipline` check run (written only when the command is not refused). */
export type CommandDraft = CommandDecision & { releaseNotes?: string[] };
