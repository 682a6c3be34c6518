import { pausedBy } from "../pipeline/state.js";
import { encodeRecord } from "../records/codec.js";
import { dispatchNext } from "./promote.js";
import type { CommandSpec } from "./spec.js";
import { notes, refuse, waitingStage } from "./stages.js";

export type ResumeCommand = { name: "resume"; stage?: string };

/** /resume: ends a pause and dispatches the stage waiting to start, if any. */
export const resume: CommandSpec<ResumeCommand> = {
  name: "resume",
  usage: "/resume [<stage>]",
  description: "Resume a paused rollout.",
  grammar: { slots: [{ key: "stage", kind: "stage" }], required: [], reason: "no" },
  triggers: true,
  target: (_c, _pipeline, views) => waitingStage(views)?.stage,
  decide(facts) {
    const tag = facts.snapshot!.release.tag;
    if (!pausedBy(facts.snapshot!)) return refuse(`${tag} is not paused.`);
    const record = notes(encodeRecord("resume", { by: facts.actor }));
    if (!facts.stage)
      return {
        effects: [],
        reply: `Resumed ${tag}; no stage is waiting to start.`,
        outcome: "done",
        ...record,
      };
    const next = dispatchNext(facts, "Resumed: dispatching");
    return next.outcome === "refused" ? next : { ...next, ...record };
  },
};
