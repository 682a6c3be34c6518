import { claimRef, stageCheckName } from "../pipeline/identity.js";
import { dispatchEffect } from "../pipeline/published.js";
import { pausedBy } from "../pipeline/state.js";
import { type CommandSpec, TAG_TO_STAGE } from "./spec.js";
import { describeStages, namedStage, overview, refuse } from "./stages.js";

export type RetryCommand = { name: "retry"; tag?: string; stage?: string };

/**
 * /retry: starts again the stage whose deploy workflow GitHub refused to start ("Could not start the deploy
 * workflow") or whose deploy failed, as a fresh check run and a dispatch claimed under this comment's key
 * (so a redelivered comment does nothing, and a later /retry may try again). The stage's gates still apply.
 */
export const retry: CommandSpec<RetryCommand> = {
  name: "retry",
  usage: "/retry [<tag>] [to <stage>]",
  description: "Start a stage again whose deploy workflow could not be started or failed.",
  grammar: {
    slots: TAG_TO_STAGE,
    required: [],
    reason: "no",
  },
  triggers: true,
  release: (c) => c.tag,
  target: (c, pipeline, views) =>
    c.stage ? namedStage(pipeline, c.stage) : views.find((v) => v.phase === "failed")?.stage,
  decide(facts) {
    const { command, views, actor } = facts;
    const snapshot = facts.snapshot!;
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
          : `No stage of ${tag} failed, so there is nothing to retry (${describeStages(views)}).`,
      );
    const { stage } = view;
    const summary = `${overview(facts)}\n\nRetry requested by @${actor} with \`${facts.text}\`.`;
    const dispatch = dispatchEffect(facts.pipeline, tag, view.index, summary);
    if (dispatch.kind !== "dispatch") throw new Error("dispatchEffect returned no dispatch");
    return {
      effects: [
        {
          kind: "create-check",
          name: stageCheckName(stage.name),
          status: "queued",
          title: `Retry requested by @${actor}`,
          summary,
        },
        { ...dispatch, claim: claimRef(tag, stage.name, "rollout", facts.key) },
      ],
      reply: `Retrying ${tag} in ${stage.name} (environment \`${stage.environment}\`). The stage's gates still apply.`,
      outcome: "accepted",
      stage: stage.name,
      environment: stage.environment,
    };
  },
};
