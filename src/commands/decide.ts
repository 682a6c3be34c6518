import { pipelineForTag } from "../config/match.js";
import type { Config, Pipeline } from "../config/types.js";
import { RELEASE_CHECK } from "../pipeline/identity.js";
import { findCheck, stageViews } from "../pipeline/state.js";
import type { Snapshot } from "../pipeline/types.js";
import { encodeRecord, type LockRecord } from "../records/codec.js";
import { authorize, type Permission } from "./authorize.js";
import { formatCommand, parseCommand } from "./parse.js";
import { type Command, specOf } from "./registry.js";
import type { CommandCheck, CommandDecision, CommandDraft, CommandNeeds } from "./spec.js";
import { appendTo } from "./stages.js";
import type { ParseResult } from "./types.js";

export type { CommandDecision, CommandNeeds, LockChange, WaitingJob } from "./spec.js";

/** Which release a command acts on: the one it names, a button's, the newest, or none (/help). */
export type ReleaseWanted = { tag: string } | { latest: true } | { none: true };

export function releaseWanted(command: Command, buttonRelease?: string): ReleaseWanted {
  const spec = specOf(command);
  const tag = spec.release?.(command) ?? buttonRelease;
  if (tag) return { tag };
  return spec.standalone ? { none: true } : { latest: true };
}

/**
 * The pipeline a command acts in: its release's (`config/match.ts`, the rule every part shares), or without a
 * release (/lock or /unlock before anything is published, /help) the config's first.
 */
export function commandPipeline(config: Config, release?: { tag: string }): Pipeline | undefined {
  return release ? pipelineForTag(config, release.tag) : config.pipelines[0];
}

/**
 * What the shell reads for a command, once it knows the pipeline: the actor's permission and teams (not for
 * read-only commands), the release's check runs, and what the command itself asks for (a rollback's previous
 * release, a lock's current holder).
 */
export function commandNeeds(command: Command, pipeline: Pipeline): CommandNeeds {
  const spec = specOf(command);
  const principals = [
    ...(pipeline.gates["production-actors"] ?? []),
    ...pipeline.stages.flatMap((s) => s.approvers ?? []),
  ];
  return {
    permission: !spec.readOnly,
    ...(spec.readOnly ? {} : { teams: principals }),
    snapshot: true,
    ...spec.needs?.(command, pipeline),
  };
}

/** A comment parsed again against the pipeline's stage and environment names (unknown ones are refused with the list). */
export function parseForPipeline(text: string, pipeline: Pipeline): ParseResult {
  return parseCommand(text, {
    stages: pipeline.stages.map((s) => s.name),
    environments: [...new Set(pipeline.stages.map((s) => s.environment))],
  });
}

/** Teams matter only for someone who may run a command at all (write or better). */
export function teamsMatter(permission: Permission): boolean {
  return ["write", "maintain", "admin"].includes(permission);
}

/** The previous release matters only for someone GitHub lets see the repository. */
export function previousReleaseMatters(permission: Permission): boolean {
  return permission !== "none";
}

export interface CommandInput {
  pipeline: Pipeline;
  /** The release the command acts on (named, or the newest published one) and Shipline's check runs on it. */
  snapshot?: Snapshot & { checkRuns: CommandCheck[] };
  command: Command;
  actor: string;
  permission: Permission;
  teams: readonly string[];
  isFork?: boolean;
  now: Date;
  /** Unique to this comment or button press ("c<commentId>", "b<delivery>"): claim keys for its dispatches. */
  key: string;
  /** /rollback: the environment's previous successful release. */
  previousRelease?: string;
  /** /lock: the environment's current lock, if any. */
  currentLock?: LockRecord;
}

/**
 * A command's decision with the line that says, in the log, who ran what (`/deploy by bob`), and the claim that
 * makes it happen once (a redelivered comment or button press finds it taken): it guards every effect.
 */
export type DecidedCommand = CommandDecision & { reason: string; claim: string };

/** The claim ref of one comment or button press (outside refs/shipline/<tag>/, so it never nests under a tag). */
export function commandClaim(key: string): string {
  return `refs/shipline-commands/${key.replace(/[^A-Za-z0-9._-]/g, "-")}`;
}

/**
 * What a comment command or a check-run button does, given the facts its needs asked for: who may (authorize),
 * which stage, and the effects (dispatches, check-run records). Every command that reaches a release leaves a
 * `shipline:command` record in the release's `shipline` check run.
 */
export function decideCommand(input: CommandInput): DecidedCommand {
  return {
    ...withAudit(input, decide(input)),
    reason: `/${input.command.name} by ${input.actor}`,
    claim: commandClaim(input.key),
  };
}

function decide(input: CommandInput): CommandDraft {
  const { command, pipeline, snapshot } = input;
  const spec = specOf(command);
  const views = snapshot ? stageViews(pipeline, snapshot) : [];
  const stage = spec.target?.(command, pipeline, views);
  const release = snapshot?.release;
  const authz = authorize({
    command,
    actor: input.actor,
    permission: input.permission,
    teams: input.teams,
    pipeline,
    ...(input.isFork ? { isFork: true } : {}),
    ...(stage ? { stage } : {}),
    ...(release ? { release: { tag: release.tag, author: release.author } } : {}),
  });
  if (!authz.allowed) return { effects: [], reply: authz.reason, outcome: "refused" };
  if (!snapshot && !spec.standalone && !spec.environmentOnly)
    return { effects: [], reply: "There is no published release to act on yet.", outcome: "refused" };
  return spec.decide({
    command,
    text: formatCommand(command),
    pipeline,
    ...(snapshot ? { snapshot } : {}),
    views,
    ...(stage ? { stage } : {}),
    actor: input.actor,
    now: input.now,
    key: input.key,
    ...(input.previousRelease ? { previousRelease: input.previousRelease } : {}),
    ...(input.currentLock ? { currentLock: input.currentLock } : {}),
  });
}

/** Appends the command record (and any pause/resume marker) to the release's `shipline` check run. */
function withAudit(input: CommandInput, decision: CommandDraft): CommandDecision {
  const { releaseNotes = [], ...rest } = decision;
  const snapshot = input.snapshot;
  const spec = specOf(input.command);
  const check = snapshot ? (findCheck(snapshot, RELEASE_CHECK) as CommandCheck | undefined) : undefined;
  if (!check || !snapshot || spec.readOnly) return rest;
  const record = encodeRecord("command", {
    command: formatCommand(input.command).slice(0, 500),
    actor: input.actor,
    at: input.now,
    outcome: rest.outcome === "done" ? "accepted" : rest.outcome,
    release: snapshot.release.tag,
    // The stage only for commands that start a deploy: the protection rule takes the newest such record as
    // the person who triggered the stage (four-eyes), so an approval must not count as one.
    ...(rest.stage && spec.triggers ? { stage: rest.stage } : {}),
  });
  const lines = [...(rest.outcome === "refused" ? [] : releaseNotes), record];
  return { ...rest, effects: [appendTo(check, lines.join("\n")), ...rest.effects] };
}
