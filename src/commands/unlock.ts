import type { CommandSpec } from "./spec.js";

export type UnlockCommand = { name: "unlock"; environment: string };

/** /unlock <environment>: removes the environment's lock (lockReply says when there was none). */
export const unlock: CommandSpec<UnlockCommand> = {
  name: "unlock",
  usage: "/unlock <environment>",
  description: "Remove an environment's lock.",
  grammar: { slots: [{ key: "environment", kind: "environment" }], required: ["environment"], reason: "no" },
  environmentOnly: true,
  decide: ({ command }) => ({
    effects: [],
    reply: `Unlocked \`${command.environment}\`.`,
    outcome: "done",
    environment: command.environment,
    lock: { kind: "remove", environment: command.environment },
  }),
};
