import { formatUtc } from "../gates/zoned-time.js";
import { decodeRecord } from "../records/codec.js";
import type { CommandFacts, CommandSpec } from "./spec.js";
import { overview } from "./stages.js";

export type StatusCommand = { name: "status"; tag?: string };

/**
 * /status [<tag>]: where the release is. A stage waiting (held by a closed gate before its dispatch, or its deploy
 * job waiting in the protection rule for approvals) is shown as waiting with why, never as dispatched.
 */
export const status: CommandSpec<StatusCommand> = {
  name: "status",
  usage: "/status [<tag>]",
  description: "Show where releases are in the pipeline.",
  grammar: { slots: [{ key: "tag", kind: "tag" }], required: [], reason: "no" },
  readOnly: true,
  release: (c) => c.tag,
  decide(facts) {
    const waiting = waitingStages(facts);
    const shown = new Map(waiting.map((w) => [w.stage, "pending" as const]));
    const lines = waiting.map((w) => `- ⏸️ **${w.stage}** is waiting: ${w.why}`);
    const reply = lines.length ? `${overview(facts, shown)}\n\n${lines.join("\n")}` : overview(facts);
    return { effects: [], reply, outcome: "done" };
  },
};

/** The stages of the release that wait for a gate or for approvals, and why (from their check runs' records). */
function waitingStages(facts: CommandFacts<StatusCommand>): { stage: string; why: string }[] {
  const tag = facts.snapshot!.release.tag;
  return facts.views.flatMap((v) => {
    const check = v.check;
    if (!check || check.status === "completed") return [];
    const approval = decodeRecord("awaiting-approval", check.summary);
    if (approval)
      return [
        {
          stage: v.stage.name,
          why: `its deploy job waits for an approval (\`/approve ${tag} to ${v.stage.name}\`).`,
        },
      ];
    const held = check.status === "queued" ? decodeRecord("held", check.summary) : undefined;
    if (!held) return [];
    const until = held.until ? ` (may open at ${formatUtc(held.until)})` : "";
    return [
      {
        stage: v.stage.name,
        why: `held by ${held.gates.join(", ") || "its gates"}${until}; nothing was dispatched.`,
      },
    ];
  });
}
