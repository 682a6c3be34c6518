import type { Command } from "./types.js";

/** A check-run button (`requested_action`): GitHub allows 3, label <= 20, description <= 40, identifier <= 20. */
export interface CheckRunButton {
  label: string;
  description: string;
  identifier: "promote" | "rollback" | "pause";
}

/** The buttons on a stage's check run; the same permission checks apply as for the comment commands. */
export function stageButtons(stage: string, nextStage: string | undefined): CheckRunButton[] {
  const buttons: CheckRunButton[] = [];
  if (nextStage)
    buttons.push({ label: "Promote", description: clip(`Promote to ${nextStage}`), identifier: "promote" });
  buttons.push({ label: "Rollback", description: clip(`Roll ${stage} back`), identifier: "rollback" });
  buttons.push({ label: "Pause", description: clip(`Pause the rollout of ${stage}`), identifier: "pause" });
  return buttons;
}

function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/**
 * The command a button press stands for, given the check run's release and stage (the shell reads them from
 * the check run). Unknown identifiers give undefined: the press is ignored.
 */
export function buttonCommand(
  identifier: string,
  target: { tag: string; stage: string; environment: string; nextStage?: string },
): Command | undefined {
  switch (identifier) {
    case "promote":
      return target.nextStage ? { name: "promote", tag: target.tag, stage: target.nextStage } : undefined;
    case "rollback":
      return {
        name: "rollback",
        environment: target.environment,
        reason: "Rollback button on the check run",
      };
    case "pause":
      return { name: "pause", stage: target.stage };
    default:
      return undefined;
  }
}
