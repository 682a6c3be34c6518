import { pausedBy } from "../pipeline/state.js";
import { encodeRecord } from "../records/codec.js";
import type { CommandSpec } from "./spec.js";
import { namedStage, notes } from "./stages.js";

export type PauseCommand = { name: "pause"; stage?: string };

/** /pause: records a pause on the release; no further stage starts until /resume. */
export const pause: CommandSpec<PauseCommand> = {
  name: "pause",
  usage: "/pause [<stage>]",
  description: "Pause a rollout between waves.",
  grammar: { slots: [{ key: "stage", kind: "stage" }], required: [], reason: "no" },
  target: (c, pipeline, views) =>
    c.stage
      ? namedStage(pipeline, c.stage)
      : (views.find((v) => v.phase !== "succeeded")?.stage ?? pipeline.stages.at(-1)),
  decide(facts) {
    const tag = facts.snapshot!.release.tag;
    const paused = pausedBy(facts.snapshot!);
    if (paused) return { effects: [], reply: `${tag} is already paused by @${paused}.`, outcome: "done" };
    return {
      effects: [],
      reply: `Paused ${tag}: no further stage starts until \`/resume\`.`,
      outcome: "done",
      ...notes(encodeRecord("pause", { by: facts.actor })),
    };
  },
};
