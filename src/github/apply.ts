import { runName } from "../pipeline/identity.js";
import { findCheck } from "../pipeline/state.js";
import { marker } from "../pipeline/summary.js";
import type { Decision, Effect, Snapshot } from "../pipeline/types.js";
import type { GitHubGateway } from "./gateway.js";
import type { EnvironmentLocks } from "./locks.js";

/** What lock effects need: where locks live, who the App is (the lock's owner), and the time. */
export interface LockContext {
  locks: EnvironmentLocks;
  owner: string;
  now: Date;
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

type Dispatch = Extract<Effect, { kind: "dispatch" }>;

/**
 * Carries out the core's effects in order. A decision that dispatches first claims the dispatch's ref,
 * before writing anything: GitHub creates a ref for exactly one caller, so of the replicas and
 * redeliveries handling one event only the claimant writes check runs and dispatches. A dispatch GitHub
 * refuses leaves a visible error on the stage's check run and gives the claim back for a retry.
 */
export async function applyDecision(
  gw: GitHubGateway,
  snapshot: Snapshot,
  decision: Decision,
  log: Log,
  locking?: LockContext,
): Promise<void> {
  const first = decision.effects.find((e): e is Dispatch => e.kind === "dispatch");
  if (
    first &&
    !(await gw.claim(first.claim, snapshot.release.sha)) &&
    (await alreadyDispatched(gw, snapshot, first, log))
  )
    return;

  const created = new Map<string, number>();
  const checkId = (name: string) => created.get(name) ?? findCheck(snapshot, name)?.id;
  for (const effect of decision.effects) {
    if (effect.kind === "create-check") {
      created.set(effect.name, await gw.createCheck(snapshot.release.sha, effect));
    } else if (effect.kind === "update-check") {
      await gw.updateCheck(effect.id, effect);
    } else if (effect.kind === "lock") {
      await lock(effect, log, locking);
    } else if (
      effect === first ||
      (await gw.claim(effect.claim, snapshot.release.sha)) ||
      !(await alreadyDispatched(gw, snapshot, effect, log))
    ) {
      await dispatch(gw, effect, checkId, log);
    }
  }
}

/**
 * The claim is someone else's: another replica is carrying the transition out right now, or it died between
 * claiming and dispatching. A recorded dispatch settles it at once. Otherwise watch: the run appearing, or
 * Shipline's check runs changing, means the claimant is alive; a whole settle period without either means it
 * died, and the caller finishes the transition.
 */
async function alreadyDispatched(
  gw: GitHubGateway,
  snapshot: Snapshot,
  effect: Dispatch,
  log: Log,
): Promise<boolean> {
  const { inputs } = effect;
  const what = `${inputs.mode} of ${inputs.release} to ${inputs.stage}`;
  if (effect.check && findCheck(snapshot, effect.check.name)?.summary?.includes("<!-- shipline:dispatched")) {
    log.info(`${what} was already dispatched (${effect.claim})`);
    return true;
  }
  let seen = fingerprint(snapshot.checkRuns);
  for (let period = 0; period < MAX_SETTLE_PERIODS; period++) {
    await new Promise((resolve) => setTimeout(resolve, gw.claimSettleMs));
    const run = await gw.hasRun(effect.workflow, snapshot.release.sha, runName(inputs));
    if (run) {
      log.info(`${what} was already dispatched (run ${run.id})`);
      return true;
    }
    const now = fingerprint(await gw.shiplineChecks(snapshot.release.sha));
    if (now === seen) {
      log.warn(
        `${effect.claim} is claimed but nothing happened for ${gw.claimSettleMs} ms: finishing the interrupted transition`,
      );
      return false;
    }
    seen = now;
  }
  log.info(`${what}: the claimant is still at work; leaving it the transition`);
  return true;
}

const MAX_SETTLE_PERIODS = 12;

function fingerprint(checks: Snapshot["checkRuns"]): string {
  return JSON.stringify(checks.map((c) => [c.id, c.status, c.conclusion, c.summary?.length ?? 0]).sort());
}

async function lock(
  effect: Extract<Effect, { kind: "lock" }>,
  log: Log,
  locking: LockContext | undefined,
): Promise<void> {
  if (!locking) return log.warn(`cannot lock ${effect.environment}: no lock store`);
  const taken = await locking.locks.create({
    environment: effect.environment,
    owner: locking.owner,
    reason: effect.reason,
    at: locking.now,
  });
  log.info(
    taken ? `locked ${effect.environment}: ${effect.reason}` : `${effect.environment} was already locked`,
  );
}

async function dispatch(
  gw: GitHubGateway,
  effect: Dispatch,
  checkId: (name: string) => number | undefined,
  log: Log,
): Promise<void> {
  const { inputs } = effect;
  const id = effect.check ? checkId(effect.check.name) : undefined;
  try {
    const run = await gw.dispatch(effect.workflow, effect.ref, inputs);
    log.info(
      `dispatched ${effect.workflow} on ${effect.ref}: ${inputs.mode} ${inputs.release} to ${inputs.stage}`,
    );
    if (effect.check && id !== undefined) {
      await gw.updateCheck(id, {
        name: effect.check.name,
        status: "queued",
        title: `Dispatched: waiting for the deploy job (environment ${inputs.environment})`,
        summary: `${effect.check.summary}\n\n${run.runUrl ? `[Deploy workflow run](${run.runUrl})` : `Workflow \`${effect.workflow}\` dispatched on \`${effect.ref}\`.`}\n\n${marker("dispatched", { run: run.runId, at: new Date().toISOString() })}`,
        ...(run.runUrl ? { detailsUrl: run.runUrl } : {}),
      });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`dispatch of ${effect.workflow} on ${effect.ref} failed: ${message}`);
    await gw.release(effect.claim);
    if (effect.check && id !== undefined) {
      await gw.updateCheck(id, {
        name: effect.check.name,
        status: "completed",
        conclusion: "failure",
        title: "Could not start the deploy workflow",
        summary: `${effect.check.summary}\n\nGitHub refused to dispatch \`.github/workflows/${effect.workflow}\` on \`${effect.ref}\`: **${message}**\n\nCheck that the workflow exists at that tag and has a \`workflow_dispatch\` trigger with the inputs release, stage, mode, pipeline, environment, from and reason, then comment \`/deploy ${inputs.release} to ${inputs.stage}\`.`,
      });
    }
  }
}
