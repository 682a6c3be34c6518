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

/**
 * Carries out the core's effects in order. A dispatch first claims its ref, so a redelivered event or a
 * second replica does nothing; a dispatch GitHub refuses leaves a visible error on the stage's check run
 * and gives the claim back so the transition can be retried.
 */
export async function applyDecision(
  gw: GitHubGateway,
  snapshot: Snapshot,
  decision: Decision,
  log: Log,
  locking?: LockContext,
): Promise<void> {
  const created = new Map<string, number>();
  const checkId = (name: string) => created.get(name) ?? findCheck(snapshot, name)?.id;
  for (const effect of decision.effects) {
    if (effect.kind === "create-check") {
      created.set(effect.name, await gw.createCheck(snapshot.release.sha, effect));
    } else if (effect.kind === "update-check") {
      await gw.updateCheck(effect.id, effect);
    } else if (effect.kind === "lock") {
      if (!locking) {
        log.warn(`cannot lock ${effect.environment}: no lock store`);
        continue;
      }
      const taken = await locking.locks.create({
        environment: effect.environment,
        owner: locking.owner,
        reason: effect.reason,
        at: locking.now,
      });
      log.info(
        taken ? `locked ${effect.environment}: ${effect.reason}` : `${effect.environment} was already locked`,
      );
    } else {
      await dispatch(gw, snapshot, effect, checkId, log);
    }
  }
}

async function dispatch(
  gw: GitHubGateway,
  snapshot: Snapshot,
  effect: Extract<Effect, { kind: "dispatch" }>,
  checkId: (name: string) => number | undefined,
  log: Log,
): Promise<void> {
  const { inputs } = effect;
  if (!(await gw.claim(effect.claim, snapshot.release.sha))) {
    if (
      effect.check &&
      findCheck(snapshot, effect.check.name)?.summary?.includes("<!-- shipline:dispatched")
    ) {
      log.info(
        `${inputs.mode} of ${inputs.release} to ${inputs.stage} was already dispatched (${effect.claim})`,
      );
      return;
    }
    // Another replica holds the claim and may be dispatching right now, or it died between claiming and
    // dispatching. Give it time, then look for the run its dispatch would have started.
    await new Promise((resolve) => setTimeout(resolve, gw.claimSettleMs));
    const run = await gw.hasRun(effect.workflow, snapshot.release.sha, runName(inputs));
    if (run) {
      log.info(
        `${inputs.mode} of ${inputs.release} to ${inputs.stage} was already dispatched (run ${run.id})`,
      );
      return;
    }
    log.warn(`${effect.claim} is claimed but no run was started: finishing the interrupted transition`);
  }
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
        summary: `${effect.check.summary}\n\n${run.runUrl ? `[Deploy workflow run](${run.runUrl})` : `Workflow \`${effect.workflow}\` dispatched on \`${effect.ref}\`.`}\n\n${marker("dispatched", { run: run.runId })}`,
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
        title: `Could not start the deploy workflow`,
        summary: `${effect.check.summary}\n\nGitHub refused to dispatch \`.github/workflows/${effect.workflow}\` on \`${effect.ref}\`: **${message}**\n\nCheck that the workflow exists at that tag and has a \`workflow_dispatch\` trigger with the inputs release, stage, mode, pipeline, environment, from and reason, then comment \`/retry\`.`,
      });
    }
  }
}
