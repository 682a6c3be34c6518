import { dispatchEffect } from "../pipeline/published.js";
import { pausedBy } from "../pipeline/state.js";
import { type CommandDraft, type CommandFacts, type CommandSpec, TAG_TO_STAGE } from "./spec.js";
import { describeStages, namedStage, overview, refuse, waitingStage, whyNotStartable } from "./stages.js";

export type PromoteCommand = { name: "promote"; tag?: string; stage?: string };

/** /promote [<tag>] [to <stage>]: dispatches the next stage (or the one named) once the one before succeeded. */
export const promote: CommandSpec<PromoteCommand> = {
  name: "promote",
  usage: "/promote [<tag>] [to <stage>]",
  description: "Promote the release to the next stage once its gates are open.",
  grammar: {
    slots: TAG_TO_STAGE,
    required: [],
    reason: "no",
  },
  triggers: true,
  release: (c) => c.tag,
  target: (c, pipeline, views) => (c.stage ? namedStage(pipeline, c.stage) : waitingStage(views)?.stage),
  decide(facts) {
    const snapshot = facts.snapshot!;
    const tag = snapshot.release.tag;
    const paused = pausedBy(snapshot);
    if (paused) return refuse(`${tag} is paused by @${paused}: comment \`/resume\` to continue it.`);
    if (!facts.stage)
      return refuse(`No stage of ${tag} is waiting to be promoted (${describeStages(facts.views)}).`);
    return dispatchNext(facts, "Dispatching");
  },
};

/** Dispatches the facts' stage when it may start (its turn, not started); shared with /resume. */
export function dispatchNext<C>(facts: CommandFacts<C>, verb: string): CommandDraft {
  const stage = facts.stage!;
  const tag = facts.snapshot!.release.tag;
  const view = facts.views.find((v) => v.stage.name === stage.name)!;
  const blocked = whyNotStartable(view, facts.views);
  if (blocked) return refuse(blocked);
  const summary = overview(facts, new Map([[stage.name, "dispatched"]]));
  return {
    effects: [dispatchEffect(facts.pipeline, tag, view.index, summary)],
    reply: `${verb} ${tag} to ${stage.name} (environment \`${stage.environment}\`).`,
    outcome: "accepted",
    stage: stage.name,
    environment: stage.environment,
  };
}
