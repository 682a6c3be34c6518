import { pipelineForTag } from "../config/index.js";
import type { Config } from "../config/types.js";
import {
  type Applied,
  type ApplyOptions,
  applyDecision,
  type LockContext,
  type Log,
} from "../github/apply.js";
import type { GitHubGateway } from "../github/gateway.js";
import {
  holdClaim,
  holdDispatch,
  mergeHold,
  parseWaitingRef,
  reholdKey,
  resumeClaim,
  waitingRef,
} from "../pipeline/hold.js";
import { stageCheckName } from "../pipeline/identity.js";
import { projectChecks } from "../pipeline/project.js";
import { releaseUnheld } from "../pipeline/release-check.js";
import { findCheck } from "../pipeline/state.js";
import type { Decision, Effect, Snapshot } from "../pipeline/types.js";
import { decodeRecord } from "../records/codec.js";
import { noTickNote, type TickState, tickOn, tickState } from "./clock/tick-switch.js";
import { type AppDeps, applyTiming } from "./deps.js";
import { evaluateStageGates } from "./gate-facts.js";
import { clientOf, type Shell } from "./shell.js";

type Dispatch = Extract<Effect, { kind: "dispatch" }>;

/**
 * Carries a decision out with the stage gates checked first: every rollout the core wants to dispatch
 * (automatic promotion, /promote, /deploy, /retry, /hotfix, the Promote button, the clock) is dispatched only
 * when its gates are open, on every GitHub plan; otherwise its stage waits, visibly, and the clock looks again.
 * Rollbacks skip the gates (they are recorded, and always allowed). A dispatched stage leaves the waiting list.
 * A decision that lists a stage as waiting (a hold, or a bake) turns the tick workflow on (`clock/tick-switch.ts`).
 */
export async function applyWithGates(
  shell: Shell,
  deps: AppDeps,
  gw: GitHubGateway,
  config: Config,
  snapshot: Snapshot,
  decision: Decision,
  log: Log,
  options: {
    locking?: LockContext;
    /** The caller holds `decision.claim` already (a command's): it guards the holds too. */
    claimed?: boolean;
    quietIfUnchanged?: boolean;
    /** A check run to show right after the claim, ahead of the queued writes (applyDecision's `first`). */
    first?: ApplyOptions["first"];
  } = {},
): Promise<Applied & { dispatched: Dispatch[]; held: Dispatch[] }> {
  let effects: Effect[] = [];
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
    const evaluation = await evaluateStageGates(shell, deps, gw, {
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
    const before = decodeRecord("held", findCheck(snapshot, stageCheckName(stage.name))?.summary);
    if (evaluation.approved) {
      effects.push(effect);
      // Only a stage that was held is on the waiting list (a write saved for every other dispatch).
      if (before) effects.push({ kind: "clear-waiting", ref: waitingRef(effect.inputs.release, stage.name) });
      // The release's check run stops saying it is held (a write only when it did).
      if (before) effects.push(...releaseUnheld(pipeline, projected));
      dispatched.push(effect);
      continue;
    }
    // Looking again at a held stage (the clock, or /approve waking it) whose gates are closed for the same
    // reasons writes nothing.
    const closedNow = evaluation.results.filter((r) => !r.ok).map((r) => r.gate);
    const again =
      options.quietIfUnchanged ||
      (before !== undefined && effect.claim === resumeClaim(effect.inputs.release, stage.name, before));
    if (again && before && before.gates.join() === closedNow.join()) {
      held.push(effect);
      if (effect.claim === guard && !decision.claim) claim = undefined;
      continue;
    }
    // The hold replaces the dispatch; if the dispatch's claim guarded the decision, a hold claim does now.
    if (effect.claim === guard && !decision.claim) claim = holdClaim(effect, reholdKey(closedNow, before));
    effects = mergeHold(effects, holdDispatch(pipeline, snapshot, effect, evaluation, deps.now(), projected));
    held.push(effect);
    log.info(
      `${effect.inputs.release} to ${stage.name} held: ${evaluation.results
        .filter((r) => !r.ok)
        .map((r) => r.gate)
        .join(", ")}`,
    );
  }
  // A stage starts waiting: the tick workflow must run while it waits (read first, so a missing one is shown).
  const waits = effects.some((e) => e.kind === "mark-waiting");
  const tick: TickState | undefined = waits ? await tickState(clientOf(shell), gw.repo, log) : undefined;
  if (tick === "missing") effects = withNoTickNote(effects);
  const applied = await applyDecision(
    gw,
    snapshot,
    { ...decision, effects, ...(claim ? { claim } : {}) },
    log,
    options.locking,
    applyTiming(deps),
    { ...(options.claimed ? { claimed: true } : {}), ...(options.first ? { first: options.first } : {}) },
  );
  if (tick) await tickOn(clientOf(shell), gw.repo, log, tick);
  return { ...applied, dispatched, held };
}

/** The check runs of stages that start waiting say how they will be woken when no tick workflow exists. */
function withNoTickNote(effects: Effect[]): Effect[] {
  const note = noTickNote();
  const waiting = new Set(
    effects.flatMap((e) => {
      const w = e.kind === "mark-waiting" ? parseWaitingRef(e.ref) : undefined;
      return w ? [stageCheckName(w.stage)] : [];
    }),
  );
  return effects.map((e) =>
    (e.kind === "create-check" || e.kind === "update-check") && waiting.has(e.name)
      ? { ...e, summary: `${e.summary}\n\n${note}` }
      : e,
  );
}
