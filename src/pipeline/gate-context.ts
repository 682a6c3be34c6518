import { pipelineForTag } from "../config/match.js";
import type { Config, Pipeline, ResolvedStage } from "../config/types.js";
import type {
  ActiveRollout,
  CheckState,
  Conclusion,
  ErrorBudgetFigures,
  GateContext,
  LockFact,
  RunApprovalFact,
} from "../gates/types.js";
import { decodeApprovals, decodeRecord, decodeRecords } from "../records/codec.js";
import { parseRunName, RELEASE_CHECK, stageCheckName } from "./identity.js";
import { findCheck } from "./state.js";
import type { CheckRunState, Mode } from "./types.js";

/** Which of the deploy workflow's running runs are Shipline rollouts other than `except`, and where they deploy. */
export function activeRollouts(
  config: Config,
  runs: { id: number; displayTitle: string; htmlUrl: string }[],
  except: number,
): ActiveRollout[] {
  return runs.flatMap((run) => {
    const id = parseRunName(run.displayTitle);
    // A bake's verify job deploys nothing: it never holds another rollout of its environment.
    if (!id || run.id === except || id.mode === "verify") return [];
    const stage = pipelineForTag(
      config,
      id.mode === "rollback" && id.from ? id.from : id.release,
    )?.stages.find((s) => s.name === id.stage);
    return stage
      ? [
          {
            runId: run.id,
            release: id.release,
            stage: stage.name,
            environment: stage.environment,
            url: run.htmlUrl,
          },
        ]
      : [];
  });
}

export interface GateFacts {
  pipeline: Pipeline;
  stage: ResolvedStage;
  mode: Mode;
  /** `prerelease`: the release's "Set as a pre-release" flag (the prerelease gate). */
  release: { tag: string; author: string; prerelease?: boolean };
  triggeredBy: string;
  /** Who is behind the release and may not approve it: `readReleasePeople` (src/github/people.ts). */
  releasePeople?: string[];
  /** Reviews of the waiting deploy job in GitHub's UI: `readRunApprovals` (src/github/people.ts). */
  runApprovals?: RunApprovalFact[];
  /** Shipline's own check runs on the release commit: stage states and the records written into them. */
  shiplineChecks: CheckRunState[];
  /** Every check run on the release commit (for required checks). */
  allChecks: { name: string; status: string; conclusion: string | null }[];
  environment?: { requiredReviewers: number; preventSelfReview: boolean };
  lock?: LockFact;
  errorBudget?: ErrorBudgetFigures;
  activeRollouts?: ActiveRollout[];
  now: Date;
}

function conclusionOf(c: { status: string; conclusion: string | null }): Conclusion {
  return (c.status === "completed" ? (c.conclusion ?? "neutral") : c.status) as Conclusion;
}

/**
 * Turns what the shell read from GitHub into the gates' context. Approvals and hotfixes are read only from
 * Shipline's own check runs (no user can write there), never from comments.
 */
export function gateContext(facts: GateFacts): GateContext {
  const snapshot = { release: { tag: facts.release.tag } as never, checkRuns: facts.shiplineChecks };
  const stages = facts.pipeline.stages.map((s) => {
    const check = findCheck(snapshot, stageCheckName(s.name));
    const baking = decodeRecord("baking", check?.summary);
    return {
      name: s.name,
      conclusion: check ? conclusionOf(check) : ("pending" as Conclusion),
      ...(check?.completedAt ? { completedAt: new Date(check.completedAt) } : {}),
      ...(baking ? { bakingSince: baking.since } : {}),
    };
  });
  // Every check run of the stage on this commit: an approval outlives a /retry (a fresh check run) and counts
  // for its release and stage until the stage succeeds.
  const approvals = facts.shiplineChecks
    .filter((c) => c.name === stageCheckName(facts.stage.name))
    .flatMap((c) => decodeApprovals(c.summary ?? ""))
    .filter((a) => a.release === facts.release.tag && a.stage === facts.stage.name)
    .map((a) => ({ login: a.login, at: a.at, stage: a.stage }));
  const releaseSummary = findCheck(snapshot, RELEASE_CHECK)?.summary ?? "";
  const hotfix = decodeRecords("hotfix", releaseSummary)
    .filter((h) => h.release === facts.release.tag && (!h.stage || h.stage === facts.stage.name))
    .pop();
  const requiredChecks: CheckState[] = facts.allChecks.map((c) => ({
    name: c.name,
    conclusion: conclusionOf(c),
  }));
  return {
    pipeline: facts.pipeline,
    stage: facts.stage,
    mode: facts.mode,
    release: facts.release,
    triggeredBy: facts.triggeredBy,
    ...(facts.releasePeople ? { releasePeople: facts.releasePeople } : {}),
    ...(facts.runApprovals ? { runApprovals: facts.runApprovals } : {}),
    ...(hotfix ? { hotfix: { by: hotfix.by, reason: hotfix.reason } } : {}),
    stages,
    approvals,
    ...(facts.environment ? { environment: facts.environment } : {}),
    ...(facts.lock ? { lock: facts.lock } : {}),
    ...(facts.errorBudget ? { errorBudget: facts.errorBudget } : {}),
    ...(facts.activeRollouts ? { activeRollouts: facts.activeRollouts } : {}),
    requiredChecks,
    now: facts.now,
  };
}
