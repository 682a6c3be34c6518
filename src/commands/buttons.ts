import type { Pipeline } from "../config/types.js";
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

/** The release tag a stage check run shows (`pipelineMarkdown` opens with "**Release** [`<tag>`](...)"). */
const RELEASE_LINE = /\*\*Release\*\* \[`([A-Za-z0-9][A-Za-z0-9._/+-]{0,127})`\]/;

/** The release a pressed check run belongs to, from its summary (the shell checks the tag points at its commit). */
export function buttonRelease(summary: string | null | undefined): string | undefined {
  return RELEASE_LINE.exec(summary ?? "")?.[1];
}

/** The command a press on a stage's check run stands for, in the pipeline of its release; undefined: ignored. */
export function pressedCommand(
  pipeline: Pipeline | undefined,
  stageName: string,
  tag: string,
  identifier: string,
): { command: Command } | { ignored: string } {
  const index = pipeline?.stages.findIndex((s) => s.name === stageName) ?? -1;
  const stage = pipeline?.stages[index];
  if (!pipeline || !stage) return { ignored: `no stage ${stageName} for ${tag}` };
  const next = pipeline.stages[index + 1];
  const command = buttonCommand(identifier, {
    tag,
    stage: stage.name,
    environment: stage.environment,
    ...(next ? { nextStage: next.name } : {}),
  });
  return command ? { command } : { ignored: `unknown button ${identifier}` };
}
