import { distinctLogins, isBotLogin, mentionList, sameLogin } from "./text.js";
import type { GateContext, GateResult } from "./types.js";

/**
 * Nobody deploys alone: the stage needs `stage.approvals` distinct people to approve it, none of them one of the
 * people behind the release (its author, or when CI published it, the commit's author and committer and the pull
 * request's author and merger: `releasePeople`), the person who triggered the deploy or the person who recorded a
 * hotfix, and none of them a bot. Approvals are Shipline's `/approve` records and, with `gates.github-reviewers`,
 * the reviews of this deploy job in GitHub's UI for this environment (`runApprovals`): both count, distinct
 * people, so `approvals: 2` works the same on every plan. GitHub's "prevent self-review" only stops whoever
 * triggered the run (Shipline's App), so Shipline checks every reviewer itself.
 */
export function fourEyesGate(ctx: GateContext): GateResult {
  const required = ctx.stage.approvals;
  const stage = ctx.stage.name;
  if (required <= 0) return { gate: "four-eyes", ok: true, reason: `${stage} needs no approval.` };

  const excluded = distinctLogins([
    ctx.release.author,
    ...(ctx.releasePeople ?? []),
    ctx.triggeredBy,
    ...(ctx.hotfix ? [ctx.hotfix.by] : []),
  ]);
  const isExcluded = (login: string) => excluded.some((e) => sameLogin(e, login));
  // Bots (CI, Shipline's own App) are never named as people who may not approve: they are not people.
  const who = excluded.filter((l) => !isBotLogin(l));
  const besides = who.length ? ` other than ${mentionList(who)}` : "";
  const other = who.length ? ` from someone${besides}` : "";

  const reviewers = ctx.pipeline.gates["github-reviewers"];
  const problem = reviewers ? githubReviewerProblem(ctx) : undefined;
  const note = problem
    ? ` Note: github-reviewers is on, but ${problem}, so Shipline counts /approve only.`
    : "";
  const reviews = (ctx.runApprovals ?? []).filter((r) => sameLogin(r.environment, ctx.stage.environment));

  const rejected = distinctLogins(reviews.filter((r) => r.state === "rejected").map((r) => r.login));
  if (rejected.length > 0) {
    return {
      gate: "four-eyes",
      ok: false,
      reason: `${mentionList(rejected)} rejected this deploy job in GitHub's review of environment ${ctx.stage.environment}; GitHub does not start a rejected job.${note}`,
      next: `Talk to ${mentionList(rejected)}; once the problem is solved, publish a new release or deploy ${ctx.release.tag} to ${stage} again (a new job needs new approvals).`,
    };
  }

  const recorded = ctx.approvals
    .filter((a) => a.stage === stage && a.at.getTime() <= ctx.now.getTime())
    .map((a) => a.login);
  const inGitHub = reviews.filter((r) => r.state === "approved").map((r) => r.login);
  const viaGitHubOnly = (login: string) =>
    inGitHub.some((l) => sameLogin(l, login)) && !recorded.some((l) => sameLogin(l, login));
  const label = (login: string) => `@${login}${viaGitHubOnly(login) ? " (in GitHub's review)" : ""}`;
  const all = distinctLogins([...recorded, ...inGitHub]);
  const approvers = all.filter((l) => !isExcluded(l) && !isBotLogin(l));
  const selfApproved = all.filter((l) => isExcluded(l) && !isBotLogin(l));
  const bots = all.filter(isBotLogin);
  const approved = approvers.map(label).join(", ");

  if (approvers.length >= required) {
    return {
      gate: "four-eyes",
      ok: true,
      reason: `Approved by ${approved} (${required} required).${note}`,
    };
  }

  const usable = reviewers && !problem;
  if (usable && ctx.runApprovals === undefined) {
    // Before the dispatch there is no job to review yet: GitHub's required reviewers hold the job, and the
    // protection rule checks who approved it when it waits (the lines above, with runApprovals read).
    return {
      gate: "four-eyes",
      ok: true,
      reason: `GitHub's required reviewers hold the deploy job for environment ${ctx.stage.environment}; Shipline checks who approved when it waits (${required} required${other}).`,
      next: `A required reviewer${besides} approves the job in the workflow run, or comments /approve ${ctx.release.tag} to ${stage}.`,
    };
  }

  const have = approvers.length ? `; approved so far by ${approved}` : "; no approval yet";
  const self = selfApproved.length
    ? ` Approvals by ${selfApproved.map(label).join(", ")} do not count: nobody approves their own deploy.`
    : "";
  const bot = bots.length
    ? ` Approvals by ${bots.map(label).join(", ")} do not count: a bot is not a second person.`
    : "";
  const allowed = ctx.stage.approvers?.length
    ? ` (one of ${ctx.stage.approvers.map((p) => (p.startsWith("@") ? p : `@${p}`)).join(", ")})`
    : "";
  const more = required - approvers.length;
  const ask = usable
    ? `Ask ${more > 1 ? `${more} more people` : "someone"}${besides} to approve the job in the workflow run (as a required reviewer) or to comment /approve ${ctx.release.tag} to ${stage}.`
    : `Ask another user with write access${allowed} to comment /approve ${ctx.release.tag} to ${stage}, then promote again.`;
  return {
    gate: "four-eyes",
    ok: false,
    reason: `${stage} needs ${required} approval${required > 1 ? "s" : ""}${other}${have}.${self}${bot}${note}`,
    next: ask,
  };
}

/** Why GitHub's required reviewers cannot hold this environment's deploy jobs, if they cannot. */
function githubReviewerProblem(ctx: GateContext): string | undefined {
  const env = ctx.environment;
  const name = ctx.stage.environment;
  if (!env)
    return `GitHub reports no required reviewers for environment ${name} (a private repository needs GitHub Enterprise for them)`;
  if (env.requiredReviewers < 1) return `environment ${name} has no required reviewers`;
  return undefined;
}
