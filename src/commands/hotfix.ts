import { encodeHotfix } from "../records/codec.js";
import { type CommandSpec, TAG_TO_STAGE } from "./spec.js";
import { namedStage, notes, refuse, startStage } from "./stages.js";

export type HotfixCommand = { name: "hotfix"; tag: string; stage?: string; reason: string };

/**
 * /hotfix <tag> [to <stage>] -- reason: skips bake times (the gates' bake check and the Action's bake wait) and
 * nothing else; recorded on the release and shown on every check run it touches.
 */
export const hotfix: CommandSpec<HotfixCommand> = {
  name: "hotfix",
  usage: "/hotfix <tag> [to <stage>] -- reason",
  description: "Record a hotfix: skips bake times, never other validations; needs a reason.",
  grammar: {
    slots: TAG_TO_STAGE,
    required: ["tag"],
    reason: "required",
  },
  triggers: true,
  release: (c) => c.tag,
  target: (c, pipeline, views) =>
    c.stage
      ? namedStage(pipeline, c.stage)
      : (views.find((v) => v.phase !== "succeeded")?.stage ?? pipeline.stages[0]),
  decide(facts) {
    const { stage, actor, command } = facts;
    const tag = facts.snapshot!.release.tag;
    if (!stage) return refuse(`${tag} has no such stage.`);
    const started = startStage(facts, stage, {
      title: `[HOTFIX] requested by @${actor}`,
      note: `**HOTFIX** requested by @${actor}: ${command.reason}. Bake times are skipped; every other gate and check still applies.`,
      reason: `hotfix: ${command.reason}`,
    });
    if (typeof started === "string") return refuse(started);
    return {
      effects: started,
      reply: `**Hotfix**: dispatching ${tag} to ${stage.name} without bake times (${command.reason}). Every other gate still applies; prefer \`/rollback\` when it can restore service.`,
      outcome: "accepted",
      stage: stage.name,
      environment: stage.environment,
      ...notes(encodeHotfix({ release: tag, by: actor, reason: command.reason, at: facts.now })),
    };
  },
};
