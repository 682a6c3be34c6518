import { authorize, type Permission } from "../commands/authorize.js";
import { formatCommand } from "../commands/parse.js";
import type { ReplyOutcome } from "../commands/reply.js";
import { helpText } from "../commands/syntax.js";
import type { Command } from "../commands/types.js";
import type { Pipeline, ResolvedStage } from "../config/types.js";
import { encodeApproval, encodeHotfix, encodeRecord, hasRecord, type LockRecord } from "../records/codec.js";
import { claimRef, RELEASE_CHECK, stageCheckName } from "./identity.js";
import { dispatchEffect } from "./published.js";
import { findCheck, pausedBy, type StagePhase, type StageView, stageViews } from "./state.js";
import { pipelineMarkdown } from "./summary.js";
import type { CheckRunState, Effect, Snapshot } from "./types.js";

/** A check run as the shell read it, with its title (GitHub needs it back when the summary changes). */
export type CommandCheck = CheckRunState & { title?: string };

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
  /** /rollback: the release to roll back to (named, or the environment's previous successful release). */
  rollbackTo?: string;
  /** /lock: the environment's current lock, if any. */
  currentLock?: LockRecord;
}

export type LockChange = { kind: "create"; lock: LockRecord } | { kind: "remove"; environment: string };

export interface CommandDecision {
  effects: Effect[];
  /** The answer (Markdown), wrapped by replyMarkdown in the shell. */
  reply: string;
  outcome: ReplyOutcome;
  /** The stage acted on, for links. */
  stage?: string;
  /** The environment acted on, for links. */
  environment?: string;
  lock?: LockChange;
}

const TRIGGERS: ReadonlySet<Command["name"]> = new Set([
  "deploy",
  "promote",
  "resume",
  "rollback",
  "retry",
  "hotfix",
]);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * What a comment command or a check-run button does, given the release it targets: who may (authorize), which
 * stage, and the effects (dispatches, check-run records). Every command that reaches a release leaves a
 * `shipline:command` record in the release's `shipline` check run.
 */
export function decideCommand(input: CommandInput): CommandDecision {
  const decision = decide(input);
  return withAudit(input, decision);
}

type Draft = CommandDecision & { releaseNotes?: string[] };

function decide(input: CommandInput): Draft {
  const { command, pipeline, snapshot } = input;
  if (command.name === "help") return { effects: [], reply: helpText(), outcome: "done" };
  const views = snapshot ? stageViews(pipeline, snapshot) : [];
  const stage = targetStage(input, views);
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

  if (command.name === "lock" || command.name === "unlock") return lockCommand(input, command);
  if (!snapshot)
    return { effects: [], reply: "There is no published release to act on yet.", outcome: "refused" };
  const phases = new Map<string, StagePhase>(views.map((v) => [v.stage.name, v.phase]));
  const overview = () => pipelineMarkdown(pipeline, snapshot.release, phases);
  const tag = snapshot.release.tag;
  /** A fresh queued check run for the stage and its dispatch, claimed once per comment; or why not. */
  const startStage = (
    stage: ResolvedStage,
    how: { title: string; note: string; reason?: string },
  ): Effect[] | string => {
    const view = views.find((v) => v.stage.name === stage.name)!;
    if (view.phase === "dispatched" || view.phase === "running")
      return `${stage.name} is already deploying ${tag}.`;
    phases.set(stage.name, "dispatched");
    const summary = `${overview()}\n\n${how.note}`;
    const dispatch = dispatchEffect(pipeline, tag, view.index, summary);
    if (dispatch.kind !== "dispatch") throw new Error("dispatchEffect returned no dispatch");
    return [
      { kind: "create-check", name: stageCheckName(stage.name), status: "queued", title: how.title, summary },
      {
        ...dispatch,
        claim: claimRef(tag, stage.name, "rollout", input.key),
        ...(how.reason ? { inputs: { ...dispatch.inputs, reason: how.reason } } : {}),
      },
    ];
  };

  switch (command.name) {
    case "status":
      return { effects: [], reply: overview(), outcome: "done" };
    case "promote":
    case "resume": {
      const paused = pausedBy(snapshot);
      if (command.name === "promote" && paused)
        return refuse(`${tag} is paused by @${paused}: comment \`/resume\` to continue it.`);
      if (command.name === "resume" && !paused) return refuse(`${tag} is not paused.`);
      if (!stage) {
        if (command.name === "resume")
          return {
            effects: [],
            reply: `Resumed ${tag}; no stage is waiting to start.`,
            outcome: "done",
            ...notes(encodeRecord("resume", { by: input.actor })),
          };
        return refuse(`No stage of ${tag} is waiting to be promoted (${describe(views)}).`);
      }
      const view = views.find((v) => v.stage.name === stage.name)!;
      const blocked = whyNotStartable(view, views);
      if (blocked) return refuse(blocked);
      phases.set(stage.name, "dispatched");
      return {
        effects: [dispatchEffect(pipeline, tag, view.index, overview())],
        reply: `${command.name === "resume" ? "Resumed: d" : "D"}ispatching ${tag} to ${stage.name} (environment \`${stage.environment}\`).`,
        outcome: "accepted",
        stage: stage.name,
        environment: stage.environment,
        ...(command.name === "resume" ? notes(encodeRecord("resume", { by: input.actor })) : {}),
      };
    }
    case "deploy": {
      if (!stage) return refuse(`${tag} has no such stage.`);
      const started = startStage(stage, {
        title: `Deploy requested by @${input.actor}`,
        note: `Deploy requested by @${input.actor} with \`${formatCommand(command)}\`.`,
      });
      if (typeof started === "string") return refuse(started);
      return {
        effects: started,
        reply: `Dispatching ${tag} to ${stage.name} (environment \`${stage.environment}\`). The stage's gates still apply.`,
        outcome: "accepted",
        stage: stage.name,
        environment: stage.environment,
      };
    }
    case "rollback": {
      if (!stage) return refuse(`No stage deploys to that environment.`);
      const to = input.rollbackTo;
      if (!to)
        return refuse(
          `There is no earlier successful release in \`${stage.environment}\` to roll back to; name one with \`/rollback ${stage.environment} to <tag>\`.`,
        );
      if (to === tag) return refuse(`${tag} is the release being rolled back; name an earlier one.`);
      return {
        effects: [
          {
            kind: "dispatch",
            claim: claimRef(tag, stage.name, "rollback", input.key),
            workflow: pipeline.workflow,
            ref: to,
            inputs: {
              release: to,
              stage: stage.name,
              mode: "rollback",
              pipeline: pipeline.name,
              environment: stage.environment,
              from: tag,
              reason: command.reason ?? `requested by @${input.actor}`,
            },
          },
        ],
        reply: `Rolling \`${stage.environment}\` (stage ${stage.name}) back from ${tag} to ${to}, from its stored artifacts.`,
        outcome: "accepted",
        stage: stage.name,
        environment: stage.environment,
      };
    }
    case "pause": {
      const paused = pausedBy(snapshot);
      if (paused) return { effects: [], reply: `${tag} is already paused by @${paused}.`, outcome: "done" };
      return {
        effects: [],
        reply: `Paused ${tag}: no further stage starts until \`/resume\`.`,
        outcome: "done",
        ...notes(encodeRecord("pause", { by: input.actor })),
      };
    }
    case "approve": {
      if (!stage) return refuse(`No stage of ${tag} is waiting for an approval.`);
      const check = findCheck(snapshot, stageCheckName(stage.name)) as CommandCheck | undefined;
      if (!check) return refuse(`${stage.name} has no check run for ${tag} yet.`);
      const record = encodeApproval({ login: input.actor, stage: stage.name, release: tag, at: input.now });
      return {
        effects: [appendTo(check, record)],
        reply: `Recorded @${input.actor}'s approval of ${tag} for ${stage.name}.`,
        outcome: "done",
        stage: stage.name,
        environment: stage.environment,
      };
    }
    case "hotfix": {
      // A hotfix skips bake times (the gates' bake check and the Action's bake wait) and nothing else; it is
      // recorded on the release and shown on every check run it touches.
      if (!stage) return refuse(`${tag} has no such stage.`);
      const started = startStage(stage, {
        title: `[HOTFIX] requested by @${input.actor}`,
        note: `**HOTFIX** requested by @${input.actor}: ${command.reason}. Bake times are skipped; every other gate and check still applies.`,
        reason: `hotfix: ${command.reason}`,
      });
      if (typeof started === "string") return refuse(started);
      return {
        effects: started,
        reply: `**Hotfix**: dispatching ${tag} to ${stage.name} without bake times (${command.reason}). Every other gate still applies; prefer \`/rollback\` when it can restore service.`,
        outcome: "accepted",
        stage: stage.name,
        environment: stage.environment,
        ...notes(encodeHotfix({ release: tag, by: input.actor, reason: command.reason, at: input.now })),
      };
    }
    case "retry":
      return retry(input, views, overview);
  }
}

/**
 * /retry: starts again the stage whose deploy workflow GitHub refused to start ("Could not start the deploy
 * workflow") or whose deploy failed, as a fresh check run and a dispatch claimed under this comment's key
 * (so a redelivered comment does nothing, and a later /retry may try again). The stage's gates still apply.
 */
function retry(input: CommandInput, views: StageView[], overview: () => string): CommandDecision {
  const snapshot = input.snapshot!;
  const command = input.command as Extract<Command, { name: "retry" }>;
  const tag = snapshot.release.tag;
  if (command.tag && command.tag !== tag)
    return refuse(
      `\`/retry\` acts on ${tag}, the newest release, not ${command.tag}. To name a stage, write \`/retry to <stage>\`.`,
    );
  const paused = pausedBy(snapshot);
  if (paused) return refuse(`${tag} is paused by @${paused}: comment \`/resume\` to continue it.`);
  const view = command.stage
    ? views.find((v) => v.stage.name === command.stage)
    : views.find((v) => v.phase === "failed");
  if (view?.phase !== "failed")
    return refuse(
      command.stage
        ? `${command.stage} of ${tag} has not failed (${view?.phase ?? "unknown"}); only a failed stage is retried.`
        : `No stage of ${tag} failed, so there is nothing to retry (${describe(views)}).`,
    );
  const { stage } = view;
  const summary = `${overview()}\n\nRetry requested by @${input.actor} with \`${formatCommand(command)}\`.`;
  const dispatch = dispatchEffect(input.pipeline, tag, view.index, summary);
  if (dispatch.kind !== "dispatch") throw new Error("dispatchEffect returned no dispatch");
  return {
    effects: [
      {
        kind: "create-check",
        name: stageCheckName(stage.name),
        status: "queued",
        title: `Retry requested by @${input.actor}`,
        summary,
      },
      { ...dispatch, claim: claimRef(tag, stage.name, "rollout", input.key) },
    ],
    reply: `Retrying ${tag} in ${stage.name} (environment \`${stage.environment}\`). The stage's gates still apply.`,
    outcome: "accepted",
    stage: stage.name,
    environment: stage.environment,
  };
}

function refuse(reply: string): CommandDecision {
  return { effects: [], reply, outcome: "refused" };
}

/** Lines to append to the release's `shipline` check run (carried through `releaseNotes`). */
function notes(...lines: string[]): { releaseNotes: string[] } {
  return { releaseNotes: lines };
}

function lockCommand(
  input: CommandInput,
  command: Extract<Command, { name: "lock" | "unlock" }>,
): CommandDecision {
  const environment = command.environment;
  if (!NAME.test(environment)) return refuse(`\`${environment}\` is not an environment name.`);
  if (command.name === "unlock")
    return {
      effects: [],
      reply: `Unlocked \`${environment}\`.`,
      outcome: "done",
      environment,
      lock: { kind: "remove", environment },
    };
  const held = input.currentLock;
  if (held && (!held.expiresAt || held.expiresAt > input.now))
    return refuse(
      `\`${environment}\` is already locked by @${held.owner}${held.reason ? `: ${held.reason}` : ""}. Comment \`/unlock ${environment}\` first.`,
    );
  const lock: LockRecord = {
    environment,
    owner: input.actor,
    reason: command.reason ?? "",
    at: input.now,
    ...(command.expiresInMs ? { expiresAt: new Date(input.now.getTime() + command.expiresInMs) } : {}),
  };
  const until = lock.expiresAt ? ` until ${lock.expiresAt.toISOString()}` : " until `/unlock`";
  return {
    effects: [],
    reply: `Locked \`${environment}\`${until}: only @${input.actor} may deploy to it.`,
    outcome: "done",
    environment,
    lock: { kind: "create", lock },
  };
}

/** The stage a command acts on: named, or resolved from where the release is. */
function targetStage(input: CommandInput, views: StageView[]): ResolvedStage | undefined {
  const { command, pipeline } = input;
  const named = (name: string | undefined) =>
    name ? pipeline.stages.find((s) => s.name === name) : undefined;
  switch (command.name) {
    case "deploy":
      return command.stage ? named(command.stage) : pipeline.stages[0];
    case "promote":
    case "resume":
      return command.name === "promote" && command.stage ? named(command.stage) : waiting(views)?.stage;
    case "approve":
      return command.stage ? named(command.stage) : awaitingApproval(views)?.stage;
    case "retry":
      return command.stage ? named(command.stage) : views.find((v) => v.phase === "failed")?.stage;
    case "hotfix":
      return command.stage
        ? named(command.stage)
        : (views.find((v) => v.phase !== "succeeded")?.stage ?? pipeline.stages[0]);
    case "pause":
      return command.stage
        ? named(command.stage)
        : (views.find((v) => v.phase !== "succeeded")?.stage ?? pipeline.stages.at(-1));
    case "rollback": {
      const environment = command.environment ?? pipeline.stages.at(-1)?.environment;
      return pipeline.stages.filter((s) => s.environment === environment).at(-1);
    }
    default:
      return undefined;
  }
}

/** The first stage that has not started while the one before it succeeded (or the first stage). */
function waiting(views: StageView[]): StageView | undefined {
  return views.find((v, i) => v.phase === "pending" && (i === 0 || views[i - 1]!.phase === "succeeded"));
}

/** The stage whose deploy job waits for approvals (the protection rule marks it), else the next one to start. */
function awaitingApproval(views: StageView[]): StageView | undefined {
  const open = views.filter((v) => v.check?.status !== "completed");
  return (
    open.find((v) => hasRecord("awaiting-approval", v.check?.summary)) ??
    views.find(
      (v, i) =>
        (v.phase === "pending" || v.phase === "dispatched") &&
        (i === 0 || views[i - 1]!.phase === "succeeded"),
    )
  );
}

function whyNotStartable(view: StageView, views: StageView[]): string | undefined {
  if (view.phase !== "pending") return `${view.stage.name} is ${view.phase}, not waiting to start.`;
  const before = views[view.index - 1];
  if (before && before.phase !== "succeeded")
    return `${before.stage.name} has not succeeded yet (${before.phase}); stages run in order.`;
  return undefined;
}

function describe(views: StageView[]): string {
  return views.map((v) => `${v.stage.name}: ${v.phase}`).join(", ");
}

/** Where the protection rule keeps its gate table: it rewrites everything from here, so records go above it. */
const GATES_SECTION = "\n\n### Gates";

function appendTo(check: CommandCheck, line: string): Effect {
  const current = check.summary ?? "";
  const at = current.indexOf(GATES_SECTION);
  const summary = at < 0 ? `${current}\n${line}` : `${current.slice(0, at)}\n${line}${current.slice(at)}`;
  return {
    kind: "update-check",
    id: check.id,
    name: check.name,
    status: check.status,
    ...(check.status === "completed" && check.conclusion ? { conclusion: check.conclusion } : {}),
    title: check.title ?? check.name,
    summary,
  };
}

/** Appends the command record (and any pause/resume marker) to the release's `shipline` check run. */
function withAudit(input: CommandInput, decision: Draft): CommandDecision {
  const { releaseNotes = [], ...rest } = decision;
  const snapshot = input.snapshot;
  const check = snapshot ? (findCheck(snapshot, RELEASE_CHECK) as CommandCheck | undefined) : undefined;
  if (!check || !snapshot || input.command.name === "help" || input.command.name === "status") return rest;
  const record = encodeRecord("command", {
    command: formatCommand(input.command).slice(0, 500),
    actor: input.actor,
    at: input.now,
    outcome: rest.outcome === "done" ? "accepted" : rest.outcome,
    release: snapshot.release.tag,
    // The stage only for commands that start a deploy: the protection rule takes the newest such record as
    // the person who triggered the stage (four-eyes), so an approval must not count as one.
    ...(rest.stage && TRIGGERS.has(input.command.name) ? { stage: rest.stage } : {}),
  });
  const lines = [...(rest.outcome === "refused" ? [] : releaseNotes), record];
  const audit = appendTo(check, lines.join("\n"));
  return { ...rest, effects: [audit, ...rest.effects] };
}
