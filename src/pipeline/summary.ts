import { timelineMarkdown } from "../audit/format.js";
import { buildTimeline } from "../audit/timeline.js";
import { stageButtons } from "../commands/buttons.js";
import type { Pipeline, ResolvedStage } from "../config/types.js";
import { CHECK_PREFIX, RELEASE_CHECK } from "./identity.js";
import { projectChecks } from "./project.js";
import type { StagePhase } from "./state.js";
import type { Effect, Release, Snapshot } from "./types.js";

const ICON: Record<StagePhase, string> = {
  pending: "⏳ pending",
  dispatched: "🚀 dispatched",
  running: "🔄 deploying",
  succeeded: "✅ deployed",
  failed: "❌ failed",
  skipped: "⏭️ skipped",
  "rolled-back": "↩️ rolled back",
};

const STYLE: Record<StagePhase, string> = {
  pending: "fill:#eee,stroke:#999",
  dispatched: "fill:#ddf4ff,stroke:#0969da",
  running: "fill:#ddf4ff,stroke:#0969da",
  succeeded: "fill:#dafbe1,stroke:#1a7f37",
  failed: "fill:#ffebe9,stroke:#cf222e",
  skipped: "fill:#eee,stroke:#999,stroke-dasharray: 4",
  "rolled-back": "fill:#fff8c5,stroke:#9a6700",
};

/** The title the release's `shipline` check run has while its stages run. */
export function releasingTitle(pipeline: Pipeline, tag: string): string {
  return `Releasing ${tag} through ${pipeline.stages.length} stage(s)`;
}

/** The whole pipeline as a Mermaid flowchart (check run Markdown renders it) plus a table. */
export function pipelineMarkdown(
  pipeline: Pipeline,
  release: Release,
  phases: ReadonlyMap<string, StagePhase>,
): string {
  const phase = (s: ResolvedStage) => phases.get(s.name) ?? "pending";
  const nodes = pipeline.stages.map((s, i) => nodeLine(s, i, phase(s)));
  const edges = pipeline.stages.slice(1).map((_, i) => `  s${i} --> s${i + 1}`);
  const styles = pipeline.stages.map((s, i) => styleLine(i, phase(s)));
  const rows = pipeline.stages.map((s) => rowLine(s, phase(s)));
  return [
    `**Release** [\`${release.tag}\`](${release.htmlUrl}) · pipeline \`${pipeline.name}\` · commit \`${release.sha.slice(0, 7)}\``,
    "",
    "```mermaid",
    "flowchart LR",
    ...nodes,
    ...edges,
    ...styles,
    "```",
    "",
    "| Stage | Environment | Rollout | Gates | State |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/**
 * A `pipelineMarkdown` text with one stage shown in another phase (a dispatch shows its stage deploying in
 * the one write that creates or updates its check run). Text without that stage's lines is returned as is.
 */
export function withStagePhase(pipeline: Pipeline, markdown: string, stage: string, to: StagePhase): string {
  const i = pipeline.stages.findIndex((s) => s.name === stage);
  const s = pipeline.stages[i];
  if (!s) return markdown;
  return markdown
    .split("\n")
    .map((line) => {
      for (const from of Object.keys(ICON) as StagePhase[]) {
        if (line === nodeLine(s, i, from)) return nodeLine(s, i, to);
        if (line === styleLine(i, from)) return styleLine(i, to);
        if (line === rowLine(s, from)) return rowLine(s, to);
      }
      return line;
    })
    .join("\n");
}

function nodeLine(s: ResolvedStage, i: number, phase: StagePhase): string {
  return `  s${i}["${s.name}<br/>${ICON[phase]}"]`;
}

function styleLine(i: number, phase: StagePhase): string {
  return `  style s${i} ${STYLE[phase]}`;
}

function rowLine(s: ResolvedStage, phase: StagePhase): string {
  const how = s.percent ? `${s.percent}% of hosts` : s.waves ? `waves ${s.waves.join("/")}%` : "all targets";
  const gates = [
    s.bake ? `bake ${s.bake}` : "",
    s.verify.length ? `verify: ${s.verify.join(", ")}` : "",
    s.promote === "manual" ? "manual promote" : "",
    s.approvals ? `${s.approvals} approval(s)` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return `| ${s.name} | \`${s.environment}\` | ${how} | ${gates || "—"} | ${ICON[phase]} |`;
}

type CheckWriteLike = {
  kind: string;
  name?: string;
  status?: string;
  conclusion?: string;
  actions?: unknown;
  check?: { actions?: unknown };
};

/**
 * Buttons where GitHub shows them: only on a completed check run (GitHub displays a check run's buttons once it
 * has completed, never while it is queued or in progress). A stage that succeeded carries Promote (when the next
 * stage waits for `/promote`), Rollback, and Pause (while a next stage may still start); a failed or inconclusive
 * stage carries Rollback (and Promote after an inconclusive verification). Writes of unfinished check runs, and
 * the check run a dispatch writes in progress, carry none: their summary names the comment instead.
 */
export function stageActions(
  pipeline: Pipeline,
  stageName: string,
  status: string | undefined,
  conclusion: string | undefined,
): ReturnType<typeof stageButtons> {
  if (status !== "completed") return [];
  const index = pipeline.stages.findIndex((s) => s.name === stageName);
  const stage = pipeline.stages[index];
  if (!stage) return [];
  const next = pipeline.stages[index + 1];
  const all = stageButtons(stage.name, next?.name);
  const keep = (ids: string[]) => all.filter((b) => ids.includes(b.identifier));
  if (conclusion === "success")
    return keep([...(next?.promote === "manual" ? ["promote"] : []), "rollback", ...(next ? ["pause"] : [])]);
  if (conclusion === "action_required") return keep(["promote", "rollback"]);
  if (conclusion === "failure") return keep(["rollback"]);
  return [];
}

export function withStageButtons<T extends CheckWriteLike>(pipeline: Pipeline, effects: T[]): T[] {
  return effects.map((effect) => {
    if (effect.kind === "dispatch" && effect.check?.actions) {
      const { actions: _none, ...check } = effect.check;
      return { ...effect, check };
    }
    if (
      (effect.kind !== "create-check" && effect.kind !== "update-check") ||
      !effect.name?.startsWith(CHECK_PREFIX)
    )
      return effect;
    const stage = pipeline.stages.find((s) => `${CHECK_PREFIX}${s.name}` === effect.name);
    if (!stage) return effect;
    const { actions: _old, ...rest } = effect;
    const actions = stageActions(pipeline, stage.name, effect.status, effect.conclusion);
    return (actions.length ? { ...rest, actions } : rest) as T;
  });
}

/** What an unfinished stage's check run says instead of a Pause button GitHub would not show yet. */
export function pauseHint(tag: string, stage: string, next: string | undefined): string {
  return next
    ? `To stop ${tag} before ${next} starts, comment \`/pause\` on an issue or pull request (\`/resume\` goes on). Buttons appear on this check run once ${stage} completes.`
    : `Buttons appear on this check run once ${stage} completes; to roll back now, comment \`/rollback\` on an issue or pull request.`;
}

/**
 * The release's timeline as far as its check runs tell it (stage states and every record: approvals,
 * commands, hotfixes, pauses, rollbacks), for the `shipline` check run when the release ends.
 * `shipline audit <tag>` adds the deployments' statuses.
 */
/** The timeline section `releaseTimeline` writes, to replace it with a newer one. */
const TIMELINE_SECTION = /\n\n### Timeline\n\n[\s\S]*?`node shipline\.mjs audit [^`]*`\./g;

/**
 * Every write of the release's `shipline` check run in `effects` that ends the release (completed) carries the
 * timeline as the decision leaves the pipeline: the stage outcome, rollback or lock this very decision writes
 * included, in time order (an older timeline section in the text is replaced, never stacked).
 */
export function withReleaseTimeline<E extends Effect>(snapshot: Snapshot, effects: E[], now: Date): E[] {
  const ends = (e: Effect) =>
    (e.kind === "create-check" || e.kind === "update-check") &&
    e.name === RELEASE_CHECK &&
    e.status === "completed";
  if (!effects.some(ends)) return effects;
  const strip = (text: string) => text.replace(TIMELINE_SECTION, "");
  const plain = effects.map((e) =>
    ends(e) ? { ...e, summary: strip((e as { summary: string }).summary) } : e,
  );
  // Projected as still running under its old title: the timeline tells what led here, and starts with the
  // release's own start; its end is the check run's conclusion itself.
  const title = snapshot.checkRuns.find((c) => c.name === RELEASE_CHECK)?.title;
  const running = plain.map((e) =>
    ends(e)
      ? { ...e, status: "in_progress" as const, conclusion: undefined, ...(title ? { title } : {}) }
      : e,
  );
  const timeline = releaseTimeline(projectChecks(snapshot, running, now));
  return plain.map((e) =>
    ends(e) ? { ...e, summary: `${(e as { summary: string }).summary}${timeline}` } : e,
  );
}

export function releaseTimeline(snapshot: Snapshot): string {
  const timeline = buildTimeline({
    release: {
      tag: snapshot.release.tag,
      sha: snapshot.release.sha,
      author: snapshot.release.author,
      createdAt: null,
      publishedAt: null,
      htmlUrl: snapshot.release.htmlUrl,
      prerelease: false,
    },
    checkRuns: snapshot.checkRuns.map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      conclusion: c.conclusion,
      startedAt: c.startedAt ?? null,
      completedAt: c.completedAt ?? null,
      title: c.title ?? null,
      summary: c.summary ?? null,
      detailsUrl: c.detailsUrl ?? null,
      appId: null,
    })),
    deployments: [],
  });
  if (timeline.entries.length === 0) return "";
  return `\n\n### Timeline\n\n${timelineMarkdown(timeline)}\n\nThe whole audit trail, with every deployment status: \`node shipline.mjs audit ${snapshot.release.tag}\`.`;
}
