import type { Config, Pipeline, ResolvedStage } from "../config/types.js";
import { evaluateGates } from "../gates/evaluate.js";
import type { Evaluation } from "../gates/types.js";
import type { GitHubGateway } from "../github/gateway.js";
import { EnvironmentLocks } from "../github/locks.js";
import { readReleasePeople, readRunApprovals } from "../github/people.js";
import { activeRuns, ProtectionGateway } from "../github/protection.js";
import { activeRollouts, gateContext } from "../pipeline/gate-context.js";
import { RELEASE_CHECK, startsDeploy } from "../pipeline/identity.js";
import { findCheck } from "../pipeline/state.js";
import type { CheckRunState, Mode } from "../pipeline/types.js";
import { decodeRecord, decodeRecords } from "../records/codec.js";
import type { AppDeps } from "./deps.js";
import { fetchErrorBudget } from "./error-budget.js";
import { clientOf, type Shell } from "./shell.js";

export interface GateQuestion {
  config: Config;
  pipeline: Pipeline;
  stage: ResolvedStage;
  mode: Mode;
  release: { tag: string; sha: string; author?: string; authorType?: string; prerelease?: boolean };
  shiplineChecks: CheckRunState[];
  /** The deploy job's run, when it exists already (the protection rule); undefined before a dispatch. */
  run?: { id: number; triggeringActor: string };
}

/**
 * Reads from GitHub everything the stage's gates decide on (locks, approvals, the people behind the release,
 * required checks, the error budget, running rollouts) and evaluates them. The same reads and the same
 * evaluation before every dispatch and in the protection rule: one set of gates, on every plan.
 */
export async function evaluateStageGates(
  shell: Shell,
  deps: AppDeps,
  gw: GitHubGateway,
  q: GateQuestion,
): Promise<Evaluation> {
  const client = clientOf(shell);
  const protection = new ProtectionGateway(client, gw.repo);
  const { pipeline, stage, mode } = q;
  const snapshot = { release: { tag: q.release.tag } as never, checkRuns: q.shiplineChecks };
  const rollout = mode === "rollout";
  // Who published the release and whether it is a prerelease were recorded when the pipeline started; ask
  // GitHub only for releases started before that.
  const recorded = decodeRecord("release", findCheck(snapshot, RELEASE_CHECK)?.summary);
  let author = q.release.author ?? recorded?.author;
  let authorType = q.release.authorType ?? recorded?.authorType;
  let prerelease = q.release.prerelease ?? recorded?.prerelease;
  if (author === undefined || prerelease === undefined) {
    const release = await gw.releaseByTag(q.release.tag);
    author ??= release?.author ?? "";
    authorType ??= release?.authorType;
    prerelease ??= release?.prerelease ?? false;
  }
  const needsApprovals = rollout && stage.approvals > 0;
  const releasePeople = needsApprovals
    ? await readReleasePeople(client, gw.repo, q.release.sha, {
        login: author,
        type: authorType ?? (author.endsWith("[bot]") ? "Bot" : "User"),
      })
    : undefined;
  const reviewers = needsApprovals && pipeline.gates["github-reviewers"];
  const envProtection = reviewers ? await protection.environmentProtection(stage.environment) : undefined;
  const runApprovals = reviewers && q.run ? await readRunApprovals(client, gw.repo, q.run.id) : undefined;
  // The gates' reads do not depend on each other: one round trip, not four, before the dispatch or review.
  const [allChecks, lock, errorBudget, runs] = await Promise.all([
    rollout && pipeline.gates["required-checks"].length ? protection.commitChecks(q.release.sha) : [],
    rollout ? new EnvironmentLocks(client, gw.repo).read(stage.environment) : undefined,
    rollout ? fetchErrorBudget(pipeline, stage, q.release.tag, deps) : undefined,
    rollout ? activeRuns(client, gw.repo, pipeline.workflow) : undefined,
  ]);
  const running = runs ? activeRollouts(q.config, runs, q.run?.id ?? 0) : undefined;
  const releaseSummary = findCheck(snapshot, RELEASE_CHECK)?.summary ?? "";
  const trigger = decodeRecords("command", releaseSummary)
    .filter(
      (c) =>
        c.outcome === "accepted" &&
        c.stage === stage.name &&
        c.release === q.release.tag &&
        startsDeploy(c.command),
    )
    .pop()?.actor;

  return evaluateGates(
    gateContext({
      pipeline,
      stage,
      mode,
      release: { tag: q.release.tag, author, prerelease },
      triggeredBy: trigger ?? q.run?.triggeringActor ?? "",
      shiplineChecks: q.shiplineChecks,
      allChecks,
      ...(envProtection ? { environment: envProtection } : {}),
      ...(lock
        ? {
            lock: {
              environment: lock.environment,
              owner: lock.owner,
              reason: lock.reason,
              ...(lock.expiresAt ? { expiresAt: lock.expiresAt } : {}),
            },
          }
        : {}),
      ...(errorBudget ? { errorBudget } : {}),
      ...(running ? { activeRollouts: running } : {}),
      ...(releasePeople ? { releasePeople } : {}),
      ...(runApprovals ? { runApprovals } : {}),
      now: deps.now(),
    }),
  );
}
