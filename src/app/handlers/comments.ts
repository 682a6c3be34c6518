import type { Context, Probot } from "probot";
import type { Permission } from "../../commands/authorize.js";
import { parseCommand } from "../../commands/parse.js";
import { ACK_REACTION, type ReplyLinks, type ReplyOutcome, replyMarkdown } from "../../commands/reply.js";
import type { Command } from "../../commands/types.js";
import { pipelineForTag } from "../../config/index.js";
import type { Config, Pipeline } from "../../config/types.js";
import type { Log } from "../../github/apply.js";
import type { GitHubClient } from "../../github/client.js";
import { ConversationGateway } from "../../github/conversation.js";
import type { GitHubGateway } from "../../github/gateway.js";
import { EnvironmentLocks } from "../../github/locks.js";
import { ProtectionGateway } from "../../github/protection.js";
import { type CommandDecision, decideCommand } from "../../pipeline/commands.js";
import { stageCheckName } from "../../pipeline/index.js";
import type { Decision, Release, Snapshot } from "../../pipeline/types.js";
import { decodeRecord } from "../../records/codec.js";
import type { AppDeps } from "../deps.js";
import { applyWithGates } from "../gated-apply.js";
import { gatewayFor } from "../gateway-for.js";
import { loadConfig } from "../load-config.js";
import { wakeStage } from "../wake.js";
import { type DeployJob, reviewDeployJob } from "./protection-rule.js";

/** Everything a command needs from GitHub, for the repository an event is about. */
export interface CommandIO {
  gw: GitHubGateway;
  conv: ConversationGateway;
  locks: EnvironmentLocks;
  log: Log;
  now: () => Date;
  /** Carries a decision out with the stage gates checked before every rollout dispatch (gated-apply.ts). */
  apply(config: Config, snapshot: Snapshot, decision: Decision, holdKey: string): Promise<unknown>;
  /** Looks at a held stage again (after /approve): dispatched when its gates are open. */
  wake(tag: string, stage: string): Promise<string>;
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
    apply: (config, snapshot, decision, holdKey) =>
      applyWithGates(context, deps, gw, config, snapshot, decision, context.log, { holdKey }),
    wake: (tag, stage) => wakeStage(context, deps, gw, tag, stage),
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
  /** After an approval: the deploy job waiting for it, whose gates should be reviewed again. */
  waitingJob?: DeployJob;
}

/**
 * issue_comment.created: a Shipline command in the first line of a comment. Reacts at once, then answers
 * with a comment. Comments by bots are ignored (no loops with other bots or with our own replies).
 */
export function registerComments(app: Probot, deps: AppDeps): void {
  app.on("issue_comment.created", async (context) => {
    const { comment, issue, sender, repository } = context.payload;
    if (sender.type === "Bot" || comment.user?.type === "Bot") return;
    const parsed = parseCommand(comment.body ?? "");
    if (parsed.kind === "none") return;
    const io = commandIO(context, deps, repository.html_url);
    await io.conv.react(comment.id, ACK_REACTION);
    if (parsed.kind === "error") {
      await io.conv.comment(issue.number, `@${sender.login} ${parsed.message}`);
      return;
    }
    const isFork = issue.pull_request ? await io.conv.isForkPullRequest(issue.number) : false;
    const result = await runCommand(io, {
      command: parsed.command,
      actor: sender.login,
      key: `c${comment.id}`,
      text: comment.body,
      isFork,
    });
    if (!result) return;
    await io.conv.comment(issue.number, result.body);
    // An approval re-runs the review of the deploy job that waits for it (the protection rule left it waiting).
    if (result.waitingJob) {
      const protection = new ProtectionGateway(context.octokit as unknown as GitHubClient, io.gw.repo);
      const outcome = await reviewDeployJob(context, deps, protection, result.waitingJob);
      context.log.info(`/approve re-reviewed run ${result.waitingJob.runId}: ${outcome}`);
    }
  });
}

/** Carries out a command (from a comment or a button); undefined when a redelivery already did. */
export async function runCommand(io: CommandIO, req: CommandRequest): Promise<CommandResult | undefined> {
  const { gw, conv } = io;
  let command = req.command;
  const answer = (outcome: ReplyOutcome, message: string, links?: ReplyLinks): CommandResult => ({
    outcome,
    body: replyMarkdown({ actor: req.actor, command, outcome, message, ...(links ? { links } : {}) }),
  });

  const tag = explicitTag(command) ?? req.releaseTag;
  let release: Release | undefined;
  if (tag) {
    release = await gw.releaseByTag(tag);
    if (!release) return answer("refused", `There is no release \`${tag}\` in this repository.`);
  } else if (command.name !== "help") {
    const latest = await conv.latestRelease();
    release = latest ? { ...latest, sha: await gw.tagCommit(latest.tag) } : undefined;
  }

  // Without a release, the config on the default branch ("" reads the default branch).
  const config = await loadConfig(gw, release?.tag ?? "");
  if (command.name === "help" && !config?.ok) return answer("done", decideHelp(req));
  if (!config)
    return answer(
      "refused",
      `This repository has no \`.github/shipline.yml\`${release ? ` at ${release.tag}` : ""}.`,
    );
  if (!config.ok)
    return answer(
      "refused",
      `\`.github/shipline.yml\`${release ? ` at ${release.tag}` : ""} is invalid (${config.problems.length} problem(s)); see the \`shipline / config\` check run.`,
    );
  const pipeline: Pipeline | undefined = release
    ? pipelineForTag(config.config, release.tag)
    : config.config.pipelines[0];
  if (!pipeline)
    return answer(
      "refused",
      `\`${release?.tag}\` matches no pipeline's \`tags\` in \`.github/shipline.yml\`.`,
    );

  if (req.text !== undefined) {
    const strict = parseCommand(req.text, {
      stages: pipeline.stages.map((s) => s.name),
      environments: [...new Set(pipeline.stages.map((s) => s.environment))],
    });
    if (strict.kind === "error") return { outcome: "refused", body: `@${req.actor} ${strict.message}` };
    if (strict.kind === "command") command = strict.command;
  }

  const readOnly = command.name === "help" || command.name === "status";
  const permission: Permission = readOnly ? "none" : await conv.permission(req.actor);
  const principals = [
    ...(pipeline.gates["production-actors"] ?? []),
    ...pipeline.stages.flatMap((s) => s.approvers ?? []),
  ];
  const teams =
    !readOnly && ["write", "maintain", "admin"].includes(permission)
      ? await conv.teamsOf(req.actor, principals)
      : [];
  const snapshot = release ? { release, checkRuns: await conv.checks(release.sha) } : undefined;

  let rollbackTo: string | undefined;
  if (command.name === "rollback") {
    const environment = command.environment ?? pipeline.stages.at(-1)?.environment;
    rollbackTo =
      command.tag ??
      (environment && release && permission !== "none"
        ? await gw.previousSuccessfulRelease(environment, release.tag)
        : undefined);
  }
  const currentLock = command.name === "lock" ? await io.locks.read(command.environment) : undefined;

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
    ...(rollbackTo ? { rollbackTo } : {}),
    ...(currentLock ? { currentLock } : {}),
  });

  // One command, one outcome: a redelivered comment or button press finds its claim taken and stops here.
  if (snapshot && !(await gw.claim(commandClaim(req.key), snapshot.release.sha))) {
    io.log.info(`command ${req.key} was already handled`);
    return undefined;
  }

  const lockOutcome = await applyLock(io, decision);
  if (lockOutcome) return answer(lockOutcome.outcome, lockOutcome.message);

  if (snapshot)
    await io.apply(
      config.config,
      snapshot,
      { effects: decision.effects, reason: `/${command.name} by ${req.actor}` },
      req.key,
    );
  // An approval of a stage held before its dispatch: look at its gates again now.
  if (command.name === "approve" && decision.outcome === "done" && snapshot && decision.stage) {
    const held = (await conv.checks(snapshot.release.sha))
      .filter((c) => c.name === stageCheckName(decision.stage!))
      .sort((a, b) => b.id - a.id)[0];
    if (held?.status === "queued" && decodeRecord("held", held.summary))
      io.log.info(`/approve woke ${decision.stage}: ${await io.wake(snapshot.release.tag, decision.stage)}`);
  }
  io.log.info(`/${command.name} by ${req.actor}: ${decision.outcome}`);
  const result = await linked(io, decision, snapshot?.release, answer);
  if (command.name === "approve" && decision.outcome === "done" && snapshot && decision.stage) {
    const waitingJob = await waitingDeployJob(io, snapshot.release, decision.stage);
    if (waitingJob) return { ...result, waitingJob };
  }
  return result;
}

/** The deploy job the protection rule left waiting for approvals on this stage, from its check run's record. */
async function waitingDeployJob(
  io: CommandIO,
  release: Release,
  stage: string,
): Promise<DeployJob | undefined> {
  const check = (await io.conv.checks(release.sha))
    .filter((c) => c.name === stageCheckName(stage))
    .sort((a, b) => b.id - a.id)[0];
  if (!check || check.status === "completed") return undefined;
  const last = decodeRecord("awaiting-approval", check.summary);
  return last
    ? { runId: last.run, environment: last.environment, ref: release.tag, sha: release.sha }
    : undefined;
}

/** The claim ref of one comment or button press (outside refs/shipline/<tag>/, so it never nests under a tag). */
export function commandClaim(key: string): string {
  return `refs/shipline-commands/${key.replace(/[^A-Za-z0-9._-]/g, "-")}`;
}

function explicitTag(command: Command): string | undefined {
  switch (command.name) {
    case "deploy":
    case "hotfix":
      return command.tag;
    case "promote":
    case "approve":
    case "status":
    case "retry":
      return command.tag;
    default:
      return undefined;
  }
}

function decideHelp(_req: CommandRequest): string {
  return "Shipline is not configured in this repository yet (no valid `.github/shipline.yml`). Commands: `/help` lists them once it is.";
}

async function applyLock(
  io: CommandIO,
  decision: CommandDecision,
): Promise<{ outcome: ReplyOutcome; message: string } | undefined> {
  const change = decision.lock;
  if (!change) return undefined;
  if (change.kind === "create") {
    if (await io.locks.create(change.lock)) return { outcome: "done", message: decision.reply };
    const held = await io.locks.read(change.lock.environment);
    return {
      outcome: "refused",
      message: `\`${change.lock.environment}\` was locked first${held ? ` by @${held.owner}` : ""}.`,
    };
  }
  const removed = await io.locks.remove(change.environment);
  return { outcome: "done", message: removed ? decision.reply : `\`${change.environment}\` was not locked.` };
}

/** The reply, with links to the workflow run, the stage check run and the environment's deployments. */
async function linked(
  io: CommandIO,
  decision: CommandDecision,
  release: Release | undefined,
  answer: (outcome: ReplyOutcome, message: string, links?: ReplyLinks) => CommandResult,
): Promise<CommandResult> {
  const links: ReplyLinks = {};
  let outcome = decision.outcome;
  let message = decision.reply;
  if (release) links.release = release.htmlUrl;
  const tracked = decision.effects.some((e) => e.kind === "dispatch" && e.check);
  if (release && decision.stage && outcome === "accepted" && tracked) {
    const check = (await io.conv.checks(release.sha))
      .filter((c) => c.name === stageCheckName(decision.stage!))
      .sort((a, b) => b.id - a.id)[0];
    if (check) {
      links.checkRun = `${io.repoUrl}/runs/${check.id}`;
      if (check.detailsUrl?.includes("/actions/runs/")) links.run = check.detailsUrl;
      if (check.status === "completed" && check.conclusion === "failure") {
        outcome = "failed";
        message = `${check.title ?? "The deploy workflow could not be started"}: see the check run.`;
      }
    }
  }
  if (decision.environment && outcome === "accepted")
    links.deployment = `${io.repoUrl}/deployments/${encodeURIComponent(decision.environment)}`;
  return answer(outcome, message, links);
}
