import { type CommandSpec, TAG_TO_STAGE } from "./spec.js";
import { namedStage, refuse, startStage } from "./stages.js";

export type DeployCommand = { name: "deploy"; tag: string; stage?: string };

/** /deploy <tag> [to <stage>]: starts a stage (default the first) for a release, as a fresh check run. */
export const deploy: CommandSpec<DeployCommand> = {
  name: "deploy",
  usage: "/deploy <tag> [to <stage>]",
  description: "Deploy a release to a stage (default: the first stage).",
  grammar: {
    slots: TAG_TO_STAGE,
    required: ["tag"],
    reason: "no",
  },
  triggers: true,
  release: (c) => c.tag,
  target: (c, pipeline) => (c.stage ? namedStage(pipeline, c.stage) : pipeline.stages[0]),
  decide(facts) {
    const { stage, actor } = facts;
    const tag = facts.snapshot!.release.tag;
    if (!stage) return refuse(`${tag} has no such stage.`);
    const started = startStage(facts, stage, {
      title: `Deploy requested by @${actor}`,
      note: `Deploy requested by @${actor} with \`${facts.text}\`.`,
    });
    if (typeof started === "string") return refuse(started);
    return {
      effects: started,
      reply: `Dispatching ${tag} to ${stage.name} (environment \`${stage.environment}\`). The stage's gates still apply.`,
      outcome: "accepted",
      stage: stage.name,
      environment: stage.environment,
    };
  },
};
