import type { ProvenanceFinding } from "../artifacts/trust.js";
import { formatProblems, pipelineForTag } from "../config/index.js";
import type { ConfigResult, Pipeline } from "../config/types.js";
import { encodeRecord, recordLines } from "../records/codec.js";
import { budgetPlaceholder } from "./budget-wait.js";
import { stageWhere } from "./coverage.js";
import { checkDeployable } from "./deployable.js";
import { CONFIG_CHECK, claimRef, publishedClaim, RELEASE_CHECK, stageCheckName } from "./identity.js";
import { findCheck, stageViews } from "./state.js";
import { pauseHint, pipelineMarkdown, releasingTitle, withStageButtons, withStagePhase } from "./summary.js";
import type { Decision, Effect, Snapshot } from "./types.js";

/**
 * Writes a check run: updates the existing one of that name, or creates it. Records already in the summary
 * (approvals, hotfixes, commands, pauses: GitHub is the database) are carried over, so rewriting a summary
 * never loses the audit trail.
 */
export function upsertCheck(
  snapshot: Snapshot,
  effect: Omit<Extract<Effect, { kind: "create-check" }>, "kind">,
): Effect {
  const existing = findCheck(snapshot, effect.name);
  if (!existing) return { kind: "create-check", ...effect };
  const kept = recordLines(existing.summary).filter((line) => !effect.summary.includes(line));
  const summary = kept.length ? `${effect.summary}\n\n${kept.join("\n")}` : effect.summary;
  return { kind: "update-check", id: existing.id, ...effect, summary };
}

export function configFailure(snapshot: Snapshot, config: Extract<ConfigResult, { ok: false }>): Decision {
  const list = config.problems.map(
    (p) => `- \`${p.path}\`${p.line ? ` (line ${p.line})` : ""}: ${p.message}`,
  );
  return {
    reason: `config invalid (${config.problems.length} problem(s))`,
    effects: [
      upsertCheck(snapshot, {
        name: CONFIG_CHECK,
        status: "completed",
        conclusion: "failure",
        title: `${config.problems.length} problem(s) in .github/shipline.yml`,
        summary: [
          "Shipline did not act on this commit because its configuration is invalid. Fix these and push again:",
          "",
          ...list,
          "",
          "Check a config locally with `node shipline.mjs validate`.",
          "",
          "```",
          formatProblems(config.problems),
          "```",
        ].join("\n"),
      }),
    ],
  };
}

/** release.published: refuse an undeployable release, else lay out the stage check runs and start stage 1. */
/** The release asset the shell must read before deciding: the configured checksum file, if attached. */
export function checksumAsset(config: ConfigResult, release: Snapshot["release"]): number | undefined {
  if (!config.ok || release.draft) return undefined;
  const name = pipelineForTag(config.config, release.tag)?.artifacts.checksums;
  return name ? release.assets.find((a) => a.name === name)?.id : undefined;
}

/** The organisation defaults the App merged into the config, handed to the deploy job (base64 text). */
export interface OrgDefaults {
  repo: string;
  base64: string;
}

export function onReleasePublished(
  config: ConfigResult,
  snapshot: Snapshot,
  orgDefaults?: OrgDefaults,
  /** The text of the release's checksum file, when `checksumAsset` named one (the Action's rule, at publish). */
  checksums?: string,
  /** What the shell's build-provenance check found, when the pipeline sets `artifacts.provenance`. */
  provenance?: readonly ProvenanceFinding[],
): Decision {
  const { release } = snapshot;
  if (release.draft) return { effects: [], reason: "draft release: nothing to do" };
  if (!config.ok) return configFailure(snapshot, config);
  const pipeline = pipelineForTag(config.config, release.tag);
  if (!pipeline) return { effects: [], reason: `tag ${release.tag} matches no pipeline's \`tags\`` };
  const started = alreadyStarted(config, snapshot);
  if (started) return { effects: [], reason: started };

  const deployable = checkDeployable(pipeline, release, checksums, provenance);
  if (!deployable.ok) {
    return {
      reason: `release ${release.tag} refused: ${deployable.problems.length} problem(s)`,
      claim: publishedClaim(release.tag),
      effects: [
        upsertCheck(snapshot, {
          name: RELEASE_CHECK,
          status: "completed",
          conclusion: "failure",
          title: `${release.tag} cannot be deployed`,
          summary: [
            `Shipline refused to deploy [\`${release.tag}\`](${release.htmlUrl}):`,
            "",
            ...deployable.problems.map((p) => `- ${p}`),
            "",
            "Nothing was deployed. Publish a new release built by CI once this is fixed.",
          ].join("\n"),
        }),
      ],
    };
  }
  return withWarnings(startPipeline(pipeline, snapshot, orgDefaults), deployable.warnings);
}

/**
 * Why a release.published has nothing left to do, when the check runs show its work done (a redelivery, or a
 * replica after another finished): the release's \`shipline\` check run is completed (deployed, refused, failed),
 * or it and the first stage's check run both exist (the stage was dispatched, is held, or waits for /promote).
 * The shell then reads nothing more (no checksum file, no attestations) and writes nothing: no claim is tried.
 * When the list does not show that, the claim decides as before (two replicas racing), so this stays
 * exactly-once.
 */
export function alreadyStarted(config: ConfigResult, snapshot: Snapshot): string | undefined {
  const tag = snapshot.release.tag;
  const release = findCheck(snapshot, RELEASE_CHECK);
  if (!config.ok || !release) return undefined;
  if (release.status === "completed")
    return `release ${tag} already handled (${RELEASE_CHECK} ${release.conclusion}): nothing to do`;
  const first = pipelineForTag(config.config, tag)?.stages[0];
  const stage = first ? findCheck(snapshot, stageCheckName(first.name)) : undefined;
  return stage
    ? `release ${tag}: pipeline already started (${stage.name} ${stage.status}): nothing to do`
    : undefined;
}

/** Findings that do not refuse the release (optional provenance), shown atop the new `shipline` check run. */
function withWarnings(decision: Decision, warnings: readonly string[]): Decision {
  if (warnings.length === 0) return decision;
  const callout = warnings.map((w) => `> [!WARNING]\n> ${w}\n\n`).join("");
  return {
    ...decision,
    effects: decision.effects.map((e) =>
      e.kind === "create-check" && e.name === RELEASE_CHECK ? { ...e, summary: `${callout}${e.summary}` } : e,
    ),
  };
}

function startPipeline(pipeline: Pipeline, snapshot: Snapshot, orgDefaults?: OrgDefaults): Decision {
  const views = stageViews(pipeline, snapshot);
  const phases = new Map(views.map((v) => [v.stage.name, v.phase]));
  const first = pipeline.stages[0]!;
  const overview = pipelineMarkdown(pipeline, snapshot.release, phases);
  const effects: Effect[] = [];
  // A release shown waiting for the write budget (budget-wait.ts) starts in that check run.
  const placeholder = budgetPlaceholder(snapshot);
  if (!findCheck(snapshot, RELEASE_CHECK) || placeholder) {
    effects.push({
      ...(placeholder
        ? { kind: "update-check" as const, id: placeholder.id }
        : { kind: "create-check" as const }),
      name: RELEASE_CHECK,
      status: "in_progress",
      title: releasingTitle(pipeline, snapshot.release.tag),
      // Who published the release, for the four-eyes gate later (read back by releaseAuthor()).
      summary: `${overview}\n\n${encodeRecord("release", {
        tag: snapshot.release.tag,
        author: snapshot.release.author,
        ...(isAccountType(snapshot.release.authorType) ? { authorType: snapshot.release.authorType } : {}),
        prerelease: snapshot.release.prerelease,
      })}${
        // The deploy job's token cannot read the organisation's .github repository: it reads the defaults the
        // App merged from here, so the App and the Action resolve the same config (one rule, one place).
        orgDefaults
          ? `\n${encodeRecord("org-defaults", { repo: orgDefaults.repo, text: orgDefaults.base64 })}`
          : ""
      }`,
    });
  }
  // A stage's check run is created when the stage starts, already showing its dispatch (one write, not a
  // create up front and a PATCH at dispatch); until then the `shipline` check run's diagram shows it pending.
  // A first stage that does not start by itself gets its check run now: it is where the release waits.
  const firstView = views[0]!;
  if (firstView.phase === "pending" && first.promote === "auto") {
    effects.push(dispatchEffect(pipeline, snapshot.release.tag, 0, overview));
  } else if (!firstView.check) {
    effects.push({
      kind: "create-check",
      name: stageCheckName(first.name),
      status: "queued",
      title: "Starting",
      summary: overview,
    });
  }
  const dispatches = effects.some((e) => e.kind === "dispatch");
  return {
    effects: withStageButtons(pipeline, effects),
    reason: `release ${snapshot.release.tag}: pipeline ${pipeline.name} started`,
    ...(dispatches || effects.length === 0 ? {} : { claim: publishedClaim(snapshot.release.tag) }),
  };
}

/**
 * A rollout dispatch of stage `index`. `summary` is the pipeline overview as the decision leaves it; the
 * stage's check run, written once right after GitHub answers the dispatch, shows the stage deploying in it.
 */
export function dispatchEffect(pipeline: Pipeline, tag: string, index: number, summary: string): Effect {
  const stage = pipeline.stages[index]!;
  return {
    kind: "dispatch",
    claim: claimRef(tag, stage.name, "rollout"),
    workflow: pipeline.workflow,
    ref: tag,
    check: {
      name: stageCheckName(stage.name),
      summary,
      title: `Deploying ${tag} to ${stageWhere(pipeline, stage.name, tag, stage.environment)}`,
      // In progress: GitHub shows no buttons yet, so the summary names the comment that pauses the release.
      deploying: `${withStagePhase(pipeline, summary, stage.name, "running")}\n\n${pauseHint(tag, stage.name, pipeline.stages[index + 1]?.name)}`,
    },
    inputs: {
      release: tag,
      stage: stage.name,
      mode: "rollout",
      pipeline: pipeline.name,
      environment: stage.environment,
    },
  };
}

function isAccountType(t: string | undefined): t is "User" | "Bot" | "Organization" {
  return t === "User" || t === "Bot" || t === "Organization";
}
