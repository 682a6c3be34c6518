import { dispatchedCheck, dispatchFailedCheck } from "../pipeline/dispatch-outcome.js";
import { runName } from "../pipeline/identity.js";
import { findCheck } from "../pipeline/state.js";
import type { CheckRunState, Decision, Effect, Release } from "../pipeline/types.js";
import { recordLines } from "../records/codec.js";
import { statusOf } from "./client.js";
import type { CheckWrite, GitHubGateway } from "./gateway.js";
import type { EnvironmentLocks } from "./locks.js";
import type { ProtectionGateway } from "./protection.js";

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
type CheckUpdate = Extract<Effect, { kind: "update-check" }>;

/**
 * The clock, how the shell waits (injected so tests need not sleep), and how long a dispatched run takes to be
 * listed: always the shell's (app/deps.ts applyTiming), never an ambient one.
 */
export interface ApplyTiming {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Pauses between looks for a run after an ambiguous dispatch answer. Default 2 s, 4 s, 8 s. */
  lookups: readonly number[];
}

/** What a decision is carried out on: the release's commit and Shipline's check runs on it as read. */
export type Commit = { release: Pick<Release, "sha">; checkRuns: CheckRunState[] };

/** How a decision is carried out beyond its gateway, lock store and clock. */
export interface ApplyOptions {
  /** The caller holds `decision.claim` already (a command's, taken before it decided): not claimed again. */
  claimed?: boolean;
  /** Where `review` effects (the protection rule's answers) go; a decision with one needs it. */
  protection?: ProtectionGateway;
  /**
   * A check run to show first, right after the claim (a release waiting for the write budget): the claim and it
   * are written through `priority` (ahead of the queued writes), and the decision's create of a check run of
   * that name becomes an update of it. Only the claimant writes it, like everything else.
   */
  first?: { check: CheckWrite; priority<T>(work: () => Promise<T>): Promise<T> };
}

/** What carrying a decision out did, for the shell's reply: no second read of what it has just written. */
export interface Applied {
  /** False when the decision's claim was taken: another delivery or replica carries it out; nothing was written. */
  claimed: boolean;
  /** Each check run this decision wrote (or found already so), by name, as it now is on GitHub. */
  checks: ReadonlyMap<string, CheckRunState>;
}

/**
 * Carries out the core's effects in order and returns what it wrote. A decision is guarded by one claim ref (`decision.claim`, else its
 * first dispatch's), created before anything is written: GitHub creates a ref for exactly one caller, so of the
 * replicas and redeliveries handling one event only the claimant writes check runs and dispatches. A caller
 * that finds the claim taken stops at once: it never guesses whether the claimant is still alive (a claimant
 * may be slow for minutes behind the write throttle). A claimant that died between claim and dispatch leaves
 * the stage showing it was never dispatched; `/retry` takes a fresh claim and finishes it.
 */
export async function applyDecision(
  gw: GitHubGateway,
  snapshot: Commit,
  decision: Decision,
  log: Log,
  locking: LockContext | undefined,
  timing: ApplyTiming,
  options: ApplyOptions = {},
): Promise<Applied> {
  const { protection } = options;
  if (!protection && decision.effects.some((e) => e.kind === "review"))
    throw new Error("a decision answering a protection rule needs the protection gateway");
  const first = decision.effects.find((e): e is Dispatch => e.kind === "dispatch");
  const guard = decision.claim ?? first?.claim;
  const written = new Map<string, CheckRunState>();
  const held = options.claimed && guard === decision.claim;
  const upFront = options.first?.priority ?? (<T>(work: () => Promise<T>) => work());
  if (guard && !held && !(await upFront(() => gw.claim(guard, snapshot.release.sha)))) {
    log.info(`${guard} is already claimed: another delivery or replica carries this transition out`);
    return { claimed: false, checks: written };
  }
  const shown = new Map<string, number>();
  if (options.first) {
    const check = options.first.check;
    const id = await upFront(() => gw.createCheck(snapshot.release.sha, check));
    shown.set(check.name, id);
    wrote(written, snapshot, id, check);
  }

  const created = new Map<string, number>();
  const checks: CheckWriter = {
    id: (name) => created.get(name) ?? shown.get(name) ?? findCheck(snapshot, name)?.id,
    write: async (known, check) => {
      let id = known;
      if (id !== undefined) await gw.updateCheck(id, check);
      else {
        id = await gw.createCheck(snapshot.release.sha, check);
        created.set(check.name, id);
      }
      wrote(written, snapshot, id, check);
    },
  };
  for (const effect of coalesceChecks(decision.effects, new Set(snapshot.checkRuns.map((c) => c.id)))) {
    if (effect.kind === "create-check" && shown.has(effect.name)) {
      const id = shown.get(effect.name)!;
      await gw.updateCheck(id, effect);
      wrote(written, snapshot, id, effect);
    } else if (effect.kind === "create-check") {
      const id = await gw.createCheck(snapshot.release.sha, effect);
      created.set(effect.name, id);
      wrote(written, snapshot, id, effect);
    } else if (effect.kind === "update-check") {
      if (!alreadyWritten(snapshot, effect)) await gw.updateCheck(effect.id, effect);
      wrote(written, snapshot, effect.id, effect);
    } else if (effect.kind === "lock") {
      await lock(effect, log, locking);
    } else if (effect.kind === "review") {
      await protection!.review(effect.runId, effect.environment, effect.state, effect.comment);
    } else if (effect.kind === "mark-waiting") {
      await gw.claim(effect.ref, snapshot.release.sha);
    } else if (effect.kind === "clear-waiting") {
      await gw.release(effect.ref);
    } else if (effect.kind === "dispatch") {
      if (effect.claim !== guard && !(await gw.claim(effect.claim, snapshot.release.sha))) {
        log.info(`${effect.claim} is already claimed: not dispatching it again`);
        if (effect.before) await writeFolded(gw, snapshot, checks, effect.before);
        continue;
      }
      await dispatch(gw, snapshot, effect, checks, log, timing);
    }
  }
  return { claimed: true, checks: written };
}

/** The snapshot's check runs as a decision left them: those it wrote as written, those it created added. */
export function checksAfter(snapshot: Commit, applied: Applied): CheckRunState[] {
  const written = [...applied.checks.values()];
  const byId = new Map(written.map((c) => [c.id, c]));
  const read = new Set(snapshot.checkRuns.map((c) => c.id));
  return [...snapshot.checkRuns.map((c) => byId.get(c.id) ?? c), ...written.filter((c) => !read.has(c.id))];
}

/** A check run as GitHub keeps it after this write: the fields written, the others (details URL) as they were. */
function wrote(written: Map<string, CheckRunState>, snapshot: Commit, id: number, check: CheckWrite): void {
  const before =
    [...written.values()].find((c) => c.id === id) ?? snapshot.checkRuns.find((c) => c.id === id);
  written.set(check.name, {
    ...before,
    id,
    name: check.name,
    status: check.status,
    conclusion: check.conclusion ?? null,
    title: check.title,
    summary: check.summary,
    ...(check.detailsUrl ? { detailsUrl: check.detailsUrl } : {}),
  });
}

/** How a dispatch writes its stage's check run: updates the one there (or created by this decision), else creates it. */
interface CheckWriter {
  id(name: string): number | undefined;
  write(id: number | undefined, check: CheckWrite): Promise<void>;
}

type CheckEffect = Extract<Effect, { kind: "create-check" | "update-check" }>;
/** A dispatch carrying the write of its stage's check run that came before it in the decision (folded into one). */
type Step = Exclude<Effect, Dispatch> | (Dispatch & { before?: CheckEffect });

/**
 * One write per check run per decision: several writes of one check run become the last of them (keeping the
 * records the earlier ones added), and a write of a stage's check run before its dispatch is folded into the
 * write the dispatch makes once GitHub answers (a create stays a create). Nothing a user sees at the end of the
 * decision changes; only intermediate states, visible for the milliseconds between two writes, are not written.
 */
export function coalesceChecks(
  effects: readonly Effect[],
  existing: ReadonlySet<number> = new Set(),
): Step[] {
  const out: (Step | undefined)[] = [];
  const pending = new Map<string, number>();
  for (const effect of effects) {
    if (effect.kind === "create-check" || effect.kind === "update-check") {
      const at = pending.get(effect.name);
      const earlier = at === undefined ? undefined : out[at];
      if (
        at !== undefined &&
        earlier &&
        (earlier.kind === "create-check" || earlier.kind === "update-check")
      ) {
        const merged = mergeWrites(earlier, effect, existing);
        if (merged) {
          out[at] = undefined;
          pending.set(effect.name, out.push(merged) - 1);
          continue;
        }
      }
      pending.set(effect.name, out.push(effect) - 1);
    } else if (effect.kind === "dispatch" && effect.check) {
      const at = pending.get(effect.check.name);
      const earlier = at === undefined ? undefined : out[at];
      pending.delete(effect.check.name);
      if (
        at !== undefined &&
        earlier &&
        (earlier.kind === "create-check" || earlier.kind === "update-check")
      ) {
        out[at] = undefined;
        out.push({ ...effect, before: earlier });
      } else out.push(effect);
    } else out.push(effect);
  }
  return out.filter((e): e is Step => e !== undefined);
}

/** Two writes of one check run as one, or undefined when they are writes of two check runs of that name. */
function mergeWrites(
  earlier: CheckEffect,
  later: CheckEffect,
  existing: ReadonlySet<number>,
): CheckEffect | undefined {
  if (earlier.kind === "update-check" && later.kind === "create-check") return undefined;
  if (earlier.kind === "update-check" && later.kind === "update-check" && earlier.id !== later.id)
    return undefined;
  // A fresh check run created here, then an update of an older one of the same name: two check runs.
  if (earlier.kind === "create-check" && later.kind === "update-check" && existing.has(later.id))
    return undefined;
  const kept = recordLines(earlier.summary).filter((line) => !later.summary.includes(line));
  const summary = kept.length ? `${later.summary}\n\n${kept.join("\n")}` : later.summary;
  const detailsUrl = later.detailsUrl ?? earlier.detailsUrl;
  const actions = later.actions ?? earlier.actions;
  const { kind: _kind, id: _id, ...fields } = later as CheckEffect & { id?: number };
  const body = {
    ...fields,
    summary,
    ...(detailsUrl ? { detailsUrl } : {}),
    ...(actions ? { actions } : {}),
  };
  return earlier.kind === "create-check"
    ? { kind: "create-check", ...body }
    : { kind: "update-check", id: earlier.id, ...body };
}

/** A folded write whose dispatch did not happen here (its claim was taken): written as it was. */
async function writeFolded(
  gw: GitHubGateway,
  snapshot: Commit,
  checks: CheckWriter,
  write: CheckEffect,
): Promise<void> {
  const { kind: _kind, ...check } = write;
  if (write.kind === "update-check" && alreadyWritten(snapshot, write)) return;
  await checks.write(write.kind === "update-check" ? write.id : checks.id(check.name), check);
}

/** Never write what is already there: an update identical to the check run as read costs a write for nothing. */
function alreadyWritten(snapshot: Commit, effect: CheckUpdate): boolean {
  const current = snapshot.checkRuns.find((c) => c.id === effect.id);
  if (!current) return false;
  return (
    current.status === effect.status &&
    (current.conclusion ?? undefined) === effect.conclusion &&
    current.title === effect.title &&
    current.summary === effect.summary &&
    (effect.detailsUrl === undefined || current.detailsUrl === effect.detailsUrl) &&
    effect.actions === undefined
  );
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

/**
 * A 5xx, a timeout or a dropped connection does not say whether GitHub carried the dispatch out: GitHub may
 * have started the run and then failed to answer. A 4xx is GitHub's definite "no".
 */
function ambiguous(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

const MAX_ATTEMPTS = 3;

/**
 * Dispatches once, whatever GitHub answers. The request itself is never retried blindly: after an ambiguous
 * failure the run is looked for by its run-name (among runs created since this dispatch began) and only
 * dispatched again when it is not there.
 */
async function dispatch(
  gw: GitHubGateway,
  snapshot: Commit,
  effect: Dispatch & { before?: CheckEffect },
  checks: CheckWriter,
  log: Log,
  timing: ApplyTiming,
): Promise<void> {
  const { inputs } = effect;
  // The check run's id: the folded earlier write's (a create folded here is made by this write), else as read.
  const folded = effect.before;
  const id =
    folded?.kind === "create-check"
      ? undefined
      : (folded?.id ?? (effect.check ? checks.id(effect.check.name) : undefined));
  const since = new Date(timing.now().getTime() - 60_000);
  const name = runName(inputs);
  let run: { runId?: number; runUrl?: string } | undefined;
  let failure: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && !run; attempt++) {
    try {
      run = await gw.dispatch(effect.workflow, effect.ref, inputs);
    } catch (error) {
      failure = error;
      if (!ambiguous(error)) break;
      log.warn(
        `dispatch of ${effect.workflow} on ${effect.ref} got no clear answer (${message(error)}): looking for the run "${name}"`,
      );
      for (const pause of timing.lookups) {
        await timing.sleep(pause);
        const found = await gw
          .findRun(effect.workflow, snapshot.release.sha, name, since)
          .catch(() => undefined);
        if (found) {
          run = { runId: found.id, runUrl: found.htmlUrl };
          log.info(`the dispatch did happen: run ${found.id} is "${name}"`);
          break;
        }
      }
    }
  }

  const check = effect.check;
  if (run) {
    log.info(
      `dispatched ${effect.workflow} on ${effect.ref}: ${inputs.mode} ${inputs.release} to ${inputs.stage}`,
    );
    if (check) {
      // Records already on the check run (approvals, hotfixes), and those the folded write added, are kept.
      const read = id === undefined ? undefined : snapshot.checkRuns.find((c) => c.id === id)?.summary;
      const previous = [read, folded?.summary].filter(Boolean).join("\n\n");
      await checks.write(id, dispatchedCheck({ ...effect, check }, run, timing.now(), previous));
    }
    return;
  }

  const why = message(failure);
  log.error(`dispatch of ${effect.workflow} on ${effect.ref} failed: ${why}`);
  await gw.release(effect.claim);
  if (check) await checks.write(id, dispatchFailedCheck({ ...effect, check }, why));
  for (const { kind: _kind, ...write } of effect.ifRefused ?? []) {
    const summary = `${write.summary}\n\n> GitHub refused the dispatch: ${why.replace(/\n/g, " ")}`;
    await checks.write("id" in write ? write.id : checks.id(write.name), { ...write, summary });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
