import { claimRef } from "../pipeline/identity.js";
import type { CommandSpec } from "./spec.js";
import { refuse } from "./stages.js";

export type RollbackCommand = { name: "rollback"; environment?: string; tag?: string; reason?: string };

/** The environment a rollback acts on: named, or the last stage's. */
const environmentOf = (c: RollbackCommand, stages: readonly { environment: string }[]) =>
  c.environment ?? stages.at(-1)?.environment;

/** /rollback [<environment>] [to <tag>]: redeploys an earlier release to an environment from its stored artifacts. */
export const rollback: CommandSpec<RollbackCommand> = {
  name: "rollback",
  usage: "/rollback [<environment>] [to <tag>] [-- reason]",
  description: "Roll an environment back to the previous release (or the one named), from stored artifacts.",
  grammar: {
    slots: [
      { key: "environment", kind: "environment" },
      { key: "tag", kind: "tag", keyword: "to" },
    ],
    required: [],
    reason: "optional",
  },
  triggers: true,
  needs: (c, pipeline) => {
    const environment = environmentOf(c, pipeline.stages);
    return c.tag || !environment ? {} : { previousRelease: environment };
  },
  target: (c, pipeline) => {
    const environment = environmentOf(c, pipeline.stages);
    return pipeline.stages.filter((s) => s.environment === environment).at(-1);
  },
  decide(facts) {
    const { stage, command, pipeline } = facts;
    const tag = facts.snapshot!.release.tag;
    if (!stage) return refuse("No stage deploys to that environment.");
    const to = command.tag ?? facts.previousRelease;
    if (!to)
      return refuse(
        `There is no earlier successful release in \`${stage.environment}\` to roll back to; name one with \`/rollback ${stage.environment} to <tag>\`.`,
      );
    if (to === tag) return refuse(`${tag} is the release being rolled back; name an earlier one.`);
    return {
      effects: [
        {
          kind: "dispatch",
          claim: claimRef(tag, stage.name, "rollback", facts.key),
          workflow: pipeline.workflow,
          ref: to,
          inputs: {
            release: to,
            stage: stage.name,
            mode: "rollback",
            pipeline: pipeline.name,
            environment: stage.environment,
            from: tag,
            reason: command.reason ?? `requested by @${facts.actor}`,
          },
        },
      ],
      reply: `Rolling \`${stage.environment}\` (stage ${stage.name}) back from ${tag} to ${to}, from its stored artifacts.`,
      outcome: "accepted",
      stage: stage.name,
      environment: stage.environment,
    };
  },
};
