import type { LockRecord } from "../records/codec.js";
import type { CommandSpec } from "./spec.js";
import { refuse } from "./stages.js";

export type LockCommand = { name: "lock"; environment: string; expiresInMs?: number; reason?: string };

/** /lock <environment> [for <duration>] [-- reason]: only the locker may deploy there until /unlock or expiry. */
export const lock: CommandSpec<LockCommand> = {
  name: "lock",
  usage: "/lock <environment> [for <duration>] [-- reason]",
  description: "Lock an environment: only you may deploy to it until /unlock or the lock expires.",
  grammar: {
    slots: [
      { key: "environment", kind: "environment" },
      { key: "expires", kind: "duration", keyword: "for" },
    ],
    required: ["environment"],
    reason: "optional",
  },
  environmentOnly: true,
  needs: (c) => ({ currentLock: c.environment }),
  decide(facts) {
    const { command, now, actor } = facts;
    const environment = command.environment;
    const held = facts.currentLock;
    if (held && (!held.expiresAt || held.expiresAt > now))
      return refuse(
        `\`${environment}\` is already locked by @${held.owner}${held.reason ? `: ${held.reason}` : ""}. Comment \`/unlock ${environment}\` first.`,
      );
    const record: LockRecord = {
      environment,
      owner: actor,
      reason: command.reason ?? "",
      at: now,
      ...(command.expiresInMs ? { expiresAt: new Date(now.getTime() + command.expiresInMs) } : {}),
    };
    const until = record.expiresAt ? ` until ${record.expiresAt.toISOString()}` : " until `/unlock`";
    return {
      effects: [],
      reply: `Locked \`${environment}\`${until}: only @${actor} may deploy to it.`,
      outcome: "done",
      environment,
      lock: { kind: "create", lock: record },
    };
  },
};
