import type { Pipeline, ResolvedStage } from "../config/types.js";
import type { GateContext, GateResult } from "./types.js";

/**
 * Whether a stage takes prereleases: its `prereleases` setting, else true for every stage but the last one of
 * its pipeline (a release candidate goes through staging and canary and stops before production).
 */
export function prereleasesAllowed(pipeline: Pipeline, stage: ResolvedStage): boolean {
  if (stage.prereleases !== undefined) return stage.prereleases;
  const last = pipeline.stages[pipeline.stages.length - 1];
  return last?.name !== stage.name;
}

/**
 * A GitHub prerelease ("Set as a pre-release") deploys only to the stages that take prereleases. The gate never
 * opens by itself: it opens when the release is made a full release or the config lets the stage take it.
 */
export function prereleaseGate(ctx: GateContext): GateResult {
  const tag = ctx.release.tag;
  const stage = ctx.stage.name;
  if (!ctx.release.prerelease) {
    return { gate: "prerelease", ok: true, reason: `${tag} is a full release.` };
  }
  const explicit = ctx.stage.prereleases !== undefined;
  if (prereleasesAllowed(ctx.pipeline, ctx.stage)) {
    return {
      gate: "prerelease",
      ok: true,
      reason: `${tag} is a prerelease; ${stage} takes prereleases (${explicit ? "prereleases: true" : "every stage but the last does by default"}).`,
    };
  }
  const index = ctx.pipeline.stages.findIndex((s) => s.name === stage);
  const before = ctx.pipeline.stages
    .slice(0, Math.max(index, 0))
    .filter((s) => prereleasesAllowed(ctx.pipeline, s))
    .map((s) => s.name);
  const where = before.length ? ` It stops after ${before[before.length - 1]}.` : "";
  const why = explicit ? "prereleases: false" : "the last stage takes only full releases by default";
  return {
    gate: "prerelease",
    ok: false,
    reason: `${tag} is a prerelease and ${stage} takes only full releases (${why}).${where}`,
    next: `To ship it to ${stage}, publish a full release (edit ${tag} on GitHub and clear "Set as a pre-release", or publish the final version), or set \`prereleases: true\` on stage ${stage} in .github/shipline.yml.`,
  };
}
