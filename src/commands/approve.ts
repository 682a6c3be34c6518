import { resumeHeld } from "../pipeline/hold.js";
import { decodeRecord, encodeApproval } from "../records/codec.js";
import { type CommandSpec, TAG_TO_STAGE } from "./spec.js";
import { appendTo, awaitingApproval, namedStage, refuse, stageCheck } from "./stages.js";

export type ApproveCommand = { name: "approve"; tag?: string; stage?: string };

/**
 * /approve [<tag>] [to <stage>]: records an approval on the stage's check run (four-eyes is authorize's). A stage
 * held before its dispatch is woken in the same decision (its dispatch, which the shell gates on the state it has
 * already read, with this approval counted); a deploy job the protection rule left waiting is reviewed again.
 */
export const approve: CommandSpec<ApproveCommand> = {
  name: "approve",
  usage: "/approve [<tag>] [to <stage>]",
  description: "Approve a release for a stage (four-eyes: not the author nor whoever triggered it).",
  grammar: {
    slots: TAG_TO_STAGE,
    required: [],
    reason: "no",
  },
  release: (c) => c.tag,
  target: (c, pipeline, views) => (c.stage ? namedStage(pipeline, c.stage) : awaitingApproval(views)?.stage),
  decide(facts) {
    const { stage, actor } = facts;
    const release = facts.snapshot!.release;
    if (!stage) return refuse(`No stage of ${release.tag} is waiting for an approval.`);
    const check = stageCheck(facts, stage.name);
    if (!check) return refuse(`${stage.name} has no check run for ${release.tag} yet.`);
    const record = encodeApproval({ login: actor, stage: stage.name, release: release.tag, at: facts.now });
    const open = check.status !== "completed";
    const held = check.status === "queued" && decodeRecord("held", check.summary);
    const waiting = open ? decodeRecord("awaiting-approval", check.summary) : undefined;
    const wake = held ? resumeHeld(facts.pipeline, facts.snapshot!, stage.name).effects : [];
    return {
      effects: [appendTo(check, record), ...wake],
      reply: `Recorded @${actor}'s approval of ${release.tag} for ${stage.name}.`,
      outcome: "done",
      stage: stage.name,
      environment: stage.environment,
      ...(waiting
        ? {
            review: {
              runId: waiting.run,
              environment: waiting.environment,
              ref: release.tag,
              sha: release.sha,
            },
          }
        : {}),
    };
  },
};
