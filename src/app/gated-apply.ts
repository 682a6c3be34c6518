import type { Context } from "probot";
import { pipelineForTag } from "../config/index.js";
import type { Config } from "../config/types.js";
import { applyDecision, type LockContext, type Log } from "../github/apply.js";
import type { GitHubGateway } from "../github/gateway.js";
import { holdClaim, holdDispatch, waitingRef } from "../pipeline/hold.js";
import { projectChecks } from "../pipeline/project.js";
import type { Decision, Effect, Snapshot } from "../pipeline/types.js";
import { decodeRecord } from "../records/codec.js";
import { type AppDeps, applyTiming } from "./deps.js";
import { evaluateStageGates } from "./gate-facts.js";

type Dispatch = Extract<Effect, { kind: "dispatch" }>;

/**
 * Carries a decision out with the stage gates checked first: every rollout the core wants to dispatch
 * (automatic promotion, /promote, /deploy, /retry, /hotfix, the Promote button, the clock) is dispatched only
 * when its gates are open, on every GitHub plan; otherwise its stage waits, visibly, and the clock looks again.
 * Rollbacks skip the gates (they are recorded, and always allowed). A dispatched stage leaves the waiting list.
 */
export async function applyWithGates(
  context: Context,
  deps: AppDeps,
  gw: GitHubGateway,
  config: Config,
  snapshot: Snapshot,
  decision: Decision,
  log: Log,
  options: { locking?: LockContext; holdKey?: string; quietIfUnchanged?: boolean } = {},
): Promise<{ dispatched: Dispatch[]; held: Dispatch[] }> {
  const effects: Effect[] = [];
  const dispatched: Dispatch[] = [];
  const held: Dispatch[] = [];
  let claim = decision.claim;
  const guard = decision.claim ?? decision.effects.find((e): e is Dispatch => e.kind === "dispatch")?.claim;
  // The gates judge the pipeline as this decision leaves it (the stage before has just succeeded).
  const projected = projectChecks(snapshot, decision.effects, deps.now());
  for (const effect of decision.effects) {
    if (effect.kind !== "dispatch" || effect.inputs.mode !== "rollout") {
      effects.push(effect);
      if (effect.kind === "dispatch") dispatched.push(effect);
      continue;
    }
    const pipeline = pipelineForTag(config, effect.inputs.release);
    const stage = pipeline?.stages.find((s) => s.name === effect.inputs.stage);
    if (!pipeline || !stage) {
      effects.push(effect);
      continue;
    }
    const evaluation = await evaluateStageGates(context, deps, gw, {
      config,
      pipeline,
      stage,
      mode: "rollout",
      release: {
        tag: snapshot.release.tag,
        sha: snapshot.release.sha,
        ...(snapshot.release.author ? { author: snapshot.release.author } : {}),
        ...(snapshot.release.authorType ? { authorType: snapshot.release.authorType } : {}),
        ...(snapshot.release.id ? { prerelease: snapshot.release.prerelease } : {}),
      },
      shiplineChecks: projected.checkRuns,
    });
    const current = snapshot.checkRuns
      .filter((c) => c.name === `shipline / ${stage.name}`)
      .sort((a, b) => b.id - a.id)[0];
    const before = decodeRecord("held", current?.summary);
    if (evaluation.approved) {
      effects.push(effect);
      // Only a stage that was held is on the waiting list (a write saved for every other dispatch).
      if (before) effects.push({ kind: "clear-waiting", ref: waitingRef(effect.inputs.release, stage.name) });
      dispatched.push(effect);
      continue;
    }
    // The clock looking again at a stage whose gates are closed for the same reasons writes nothing.
    const closedNow = evaluation.results.filter((r) => !r.ok).map((r) => r.gate);
    if (options.quietIfUnchanged && before && before.gates.join() === closedNow.join()) {
      held.push(effect);
      if (effect.claim === guard && !decision.claim) claim = undefined;
      continue;
    }
    // The hold replaces the dispatch; if the dispatch's claim guarded the decision, a hold claim does now.
    if (effect.claim === guard && !decision.claim) claim = holdClaim(effect, options.holdKey);
    const hold = holdDispatch(pipeline, snapshot, effect, evaluation, deps.now(), projected);
    // The stage's check run may be created by this same decision: the hold is written into that one.
    for (const h of hold) {
      const i =
        h.kind === "create-check" || h.kind === "update-check"
          ? effects.findIndex((e) => e.kind === "create-check" && e.name === h.name)
          : -1;
      const created = effects[i];
      if (created?.kind === "create-check" && (h.kind === "create-check" || h.kind === "update-check")) {
        const { id: _id, kind: _kind, ...fields } = h as typeof h & { id?: number };
        effects[i] = { ...created, ...fields, kind: "create-check" };
      } else effects.push(h);
    }
    held.push(effect);
    log.info(
      `${effect.inputs.release} to ${stage.name} held: ${evaluation.results
        .filter((r) => !r.ok)
        .map((r) => r.gate)
        .join(", ")}`,
    );
  }
  await applyDecision(
    gw,
    snapshot,
    { ...decision, effects, ...(claim ? { claim } : {}) },
    log,
    options.locking,
    applyTiming(deps),
  );
  return { dispatched, held };
}
