import type { Context } from "probot";
import {
  type Answer,
  finalAnswer,
  linkedStage,
  lockAnswer,
  parseErrorAnswer,
  setupAnswer,
} from "../commands/answer.js";
import {
  type CommandDecision,
  commandNeeds,
  commandPipeline,
  decideCommand,
  parseForPipeline,
  previousReleaseMatters,
  releaseWanted,
  teamsMatter,
  type WaitingJob,
} from "../commands/decide.js";
import type { ReplyOutcome } from "../commands/reply.js";
import type { Command } from "../commands/types.js";
import type { Config } from "../config/types.js";
import { type Applied, checksAfter, type Log } from "../github/apply.js";
import type { GitHubClient } from "../github/client.js";
import { ConversationGateway } from "../github/conversation.js";
import type { GitHubGateway } from "../github/gateway.js";
import { EnvironmentLocks } from "../github/locks.js";
import { ProtectionGateway } from "../github/protection.js";
import { findCheck, stageCheckName } from "../pipeline/index.js";
import type { CheckRunState, Decision, Release, Snapshot } from "../pipeline/types.js";
import type { AppDeps } from "./deps.js";
import { applyWithGates } from "./gated-apply.js";
import { gatewayFor } from "./gateway-for.js";
import { reviewDeployJob } from "./handlers/protection-rule.js";
import { loadConfig } from "./load-config.js";

/** Everything a command needs from GitHub, for the repository an event is about. */
export interface CommandIO {
  gw: GitHubGateway;
  conv: ConversationGateway;
  locks: EnvironmentLocks;
  log: Log;
  now: () => Date;
  /**
   * Carries a decision out with the stage gates checked before every rollout dispatch (gated-apply.ts); its
   * claim, the command's, is already taken.
   */
  apply(config: Config, snapshot: Snapshot, decision: Decision): Promise<Applied>;
  /** Reviews again a deploy job the protection rule left waiting (after /approve). */
  review(job: WaitingJob): Promise<string>;
  /** https://github.com/<owner>/<repo>, for links. */
  repoUrl: string;
}

export function commandIO(context: Context, deps: AppDeps, repoUrl: string): CommandIO {
  const gw = gatewayFor(context, deps);
  const client = context.octokit as unknown as GitHubClient;
  const appId = Number(deps.env.APP_ID) || undefined;
  return {
    gw,
    conv: new ConversationGateway(client, gw.repo, appId),
    locks: new EnvironmentLocks(client, gw.repo),
    log: context.log,
    now: deps.now,
    apply: (config, snapshot, decision) =>
      applyWithGates(context, deps, gw, config, snapshot, decision, context.log, { claimed: true }),
    review: (job) => reviewDeployJob(context, deps, new ProtectionGateway(client, gw.repo), job),
    repoUrl,
  };
}

export interface CommandRequest {
  command: Command;
  actor: string;
  /** Unique to the comment or button press: claims make a redelivered one do nothing. */
  key: string;
  /** The comment's text, re-parsed against the config's stage and environment names. */
  text?: string;
  /** The release a button's check run belongs to (commands without a tag otherwise target the newest release). */
  releaseTag?: string;
  isFork?: boolean;
}

export interface CommandResult {
  body: string;
  outcome: ReplyOutcome;
  /** Shipline's check runs on the release as the command left them (as read, then as it wrote them). */
  checkRuns?: CheckRunState[];
}

/**
 * Carries out a command (from a comment or a button): reads what the core's needs ask for, lets the core
 * decide, carries the effects out, and returns the reply the core worded; undefined when a redelivery already did.
 */
export async function runCommand(io: CommandIO, req: CommandRequest): Promise<CommandResult | undefined> {
  const { gw, conv } = io;
  const wanted = releaseWanted(req.command, req.releaseTag);
  const release: Release | undefined =
    "tag" in wanted
      ? await gw.releaseByTag(wanted.tag)
      : "latest" in wanted
        ? await conv.latestRelease()
        : undefined;
  // Without a release, the config on the default branch ("" reads the default branch).
  const config = await loadConfig(gw, release?.tag ?? "");
  const pipeline = config?.ok ? commandPipeline(config.config, release) : undefined;
  const refused = setupAnswer({
    actor: req.actor,
    command: req.command,
    ...("tag" in wanted ? { tag: wanted.tag } : {}),
    ...(release ? { release } : {}),
    config: !config
      ? { kind: "missing" }
      : config.ok
        ? { kind: "ok" }
        : { kind: "invalid", problems: config.problems.length },
    pipelineFound: pipeline !== undefined,
  });
  if (refused || !config?.ok || !pipeline) return refused;

  let command = req.command;
  if (req.text !== undefined) {
    const strict = parseForPipeline(req.text, pipeline);
    if (strict.kind === "error") return parseErrorAnswer(req.actor, strict.message);
    if (strict.kind === "command") command = strict.command;
  }

  const needs = commandNeeds(command, pipeline);
  const permission = needs.permission ? await conv.permission(req.actor) : "none";
  const teams = needs.teams && teamsMatter(permission) ? await conv.teamsOf(req.actor, needs.teams) : [];
  const snapshot =
    release && needs.snapshot ? { release, checkRuns: await conv.checks(release.sha) } : undefined;
  const previousRelease =
    needs.previousRelease && release && previousReleaseMatters(permission)
      ? await gw.previousSuccessfulRelease(needs.previousRelease, release.tag)
      : undefined;
  const currentLock = needs.currentLock ? await io.locks.read(needs.currentLock) : undefined;

  const decision = decideCommand({
    pipeline,
    ...(snapshot ? { snapshot } : {}),
    command,
    actor: req.actor,
    permission,
    teams,
    ...(req.isFork ? { isFork: true } : {}),
    now: io.now(),
    key: req.key,
    ...(previousRelease ? { previousRelease } : {}),
    ...(currentLock ? { currentLock } : {}),
  });

  // One command, one outcome: a redelivered comment or button press finds its claim taken and stops here.
  if (snapshot && !(await gw.claim(decision.claim, snapshot.release.sha))) {
    io.log.info(`command ${req.key} was already handled`);
    return undefined;
  }
  if (decision.lock) return applyLock(io, req.actor, command, decision);
  const applied = snapshot
    ? await io.apply(config.config, snapshot, {
        effects: decision.effects,
        reason: decision.reason,
        claim: decision.claim,
      })
    : undefined;
  if (decision.review)
    io.log.info(`/approve re-reviewed run ${decision.review.runId}: ${await io.review(decision.review)}`);
  io.log.info(`${decision.reason}: ${decision.outcome}`);

  // What the effects wrote comes back from carrying them out: the check runs are not listed again.
  const checkRuns = snapshot && applied ? checksAfter(snapshot, applied) : snapshot?.checkRuns;
  const linked = linkedStage(decision);
  const stageCheck = linked && checkRuns ? findCheck({ checkRuns }, stageCheckName(linked)) : undefined;
  const answer = finalAnswer({
    actor: req.actor,
    command,
    decision,
    repoUrl: io.repoUrl,
    ...(release ? { release } : {}),
    ...(stageCheck ? { stageCheck } : {}),
  });
  return { ...answer, ...(checkRuns ? { checkRuns } : {}) };
}

/** Creates or removes the lock the core decided on, and lets the core word what happened. */
async function applyLock(
  io: CommandIO,
  actor: string,
  command: Command,
  decision: CommandDecision,
): Promise<Answer> {
  const change = decision.lock!;
  if (change.kind === "create") {
    if (await io.locks.create(change.lock)) return lockAnswer(actor, command, decision, { kind: "created" });
    const held = await io.locks.read(change.lock.environment);
    return lockAnswer(actor, command, decision, { kind: "lost", ...(held ? { owner: held.owner } : {}) });
  }
  const removed = await io.locks.remove(change.environment);
  return lockAnswer(actor, command, decision, { kind: removed ? "removed" : "not-locked" });
}
