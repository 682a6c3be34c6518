import type { CheckRunState, Effect } from "../pipeline/types.js";
import type { Command } from "./registry.js";
import { type ReplyLinks, type ReplyOutcome, replyMarkdown } from "./reply.js";
import type { CommandCheck, CommandDecision } from "./spec.js";

/**
 * Every reply the shell posts, worded here: the shell reads, carries effects out, and reports what it learnt
 * (the release was not found, the lock race was lost, the dispatched stage's check run failed) to these.
 */
export interface Answer {
  outcome: ReplyOutcome;
  body: string;
}

/** A comment addressed to Shipline that does not parse (or names a stage the pipeline has not). */
export function parseErrorAnswer(actor: string, message: string): Answer {
  return { outcome: "refused", body: `@${actor} ${message}` };
}

function answer(
  actor: string,
  command: Command,
  outcome: ReplyOutcome,
  message: string,
  links?: ReplyLinks,
): Answer {
  return { outcome, body: replyMarkdown({ actor, command, outcome, message, ...(links ? { links } : {}) }) };
}

/** What the shell found before any decision: the release, the config at it, the tag's pipeline. */
export interface Setup {
  actor: string;
  command: Command;
  /** The tag the command (or button) named. */
  tag?: string;
  /** Whether a release was found (by that tag, or the newest). */
  release?: { tag: string };
  /** The config at the release (or on the default branch): absent, invalid (its problems) or valid. */
  config: { kind: "missing" } | { kind: "invalid"; problems: number } | { kind: "ok" };
  /** Whether the release's tag matches a pipeline. */
  pipelineFound: boolean;
}

/** Why a command cannot be decided at all (no release by that tag, no or an invalid config, no pipeline); or undefined. */
export function setupAnswer(setup: Setup): Answer | undefined {
  const { actor, command, release } = setup;
  const at = release ? ` at ${release.tag}` : "";
  if (setup.tag && !release)
    return answer(actor, command, "refused", `There is no release \`${setup.tag}\` in this repository.`);
  if (command.name === "help" && setup.config.kind !== "ok")
    return answer(
      actor,
      command,
      "done",
      "Shipline is not configured in this repository yet (no valid `.github/shipline.yml`). Commands: `/help` lists them once it is.",
    );
  if (setup.config.kind === "missing")
    return answer(actor, command, "refused", `This repository has no \`.github/shipline.yml\`${at}.`);
  if (setup.config.kind === "invalid")
    return answer(
      actor,
      command,
      "refused",
      `\`.github/shipline.yml\`${at} is invalid (${setup.config.problems} problem(s)); see the \`shipline / config\` check run.`,
    );
  if (!setup.pipelineFound)
    return answer(
      actor,
      command,
      "refused",
      `\`${release?.tag}\` matches no pipeline's \`tags\` in \`.github/shipline.yml\`.`,
    );
  return undefined;
}

/** What the shell learnt carrying a lock change out. */
export type LockResult =
  | { kind: "created" }
  /** Another lock was created first (two /lock at once): who holds it, when it could be read. */
  | { kind: "lost"; owner?: string }
  | { kind: "removed" }
  | { kind: "not-locked" };

/** The reply to /lock or /unlock once the lock store answered. */
export function lockAnswer(
  actor: string,
  command: Command,
  decision: CommandDecision,
  result: LockResult,
): Answer {
  const environment =
    decision.lock?.kind === "create" ? decision.lock.lock.environment : (decision.lock?.environment ?? "");
  switch (result.kind) {
    case "created":
    case "removed":
      return answer(actor, command, "done", decision.reply);
    case "lost":
      return answer(
        actor,
        command,
        "refused",
        `\`${environment}\` was locked first${result.owner ? ` by @${result.owner}` : ""}.`,
      );
    case "not-locked":
      return answer(actor, command, "done", `\`${environment}\` was not locked.`);
  }
}

/** The check run a decision's reply links to (and whose failure it reports): the stage's, when it dispatched one. */
export function linkedStage(decision: CommandDecision): string | undefined {
  const tracked = decision.effects.some((e: Effect) => e.kind === "dispatch" && e.check);
  return decision.stage && decision.outcome === "accepted" && tracked ? decision.stage : undefined;
}

/**
 * The reply once the effects were carried out, with links to the workflow run, the stage check run and the
 * environment's deployments. When the stage's check run shows the dispatch failed, the reply says so.
 */
export function finalAnswer(input: {
  actor: string;
  command: Command;
  decision: CommandDecision;
  repoUrl: string;
  release?: { htmlUrl: string };
  /** The linked stage's newest check run as read after the effects (linkedStage). */
  stageCheck?: CommandCheck | CheckRunState;
}): Answer {
  const { decision, stageCheck: check } = input;
  const links: ReplyLinks = {};
  let outcome = decision.outcome;
  let message = decision.reply;
  if (input.release) links.release = input.release.htmlUrl;
  if (check && linkedStage(decision)) {
    links.checkRun = `${input.repoUrl}/runs/${check.id}`;
    if (check.detailsUrl?.includes("/actions/runs/")) links.run = check.detailsUrl;
    if (check.status === "completed" && check.conclusion === "failure") {
      outcome = "failed";
      message = `${("title" in check && check.title) || "The deploy workflow could not be started"}: see the check run.`;
    }
  }
  if (decision.environment && outcome === "accepted")
    links.deployment = `${input.repoUrl}/deployments/${encodeURIComponent(decision.environment)}`;
  return answer(input.actor, input.command, outcome, message, links);
}

/** A button's answer, appended to the pressed check run (there is no comment thread to answer in). */
export function buttonAnswerEffect(
  pressed: CommandCheck,
  body: string,
): Extract<Effect, { kind: "update-check" }> {
  return {
    kind: "update-check",
    id: pressed.id,
    name: pressed.name,
    status: pressed.status,
    ...(pressed.status === "completed" && pressed.conclusion ? { conclusion: pressed.conclusion } : {}),
    title: pressed.title ?? pressed.name,
    summary: `${pressed.summary ?? ""}\n\n---\n\n${body}`,
  };
}
