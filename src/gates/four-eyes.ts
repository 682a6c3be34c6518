import { sameLogin } from "./text.js";
import type { GateContext, GateResult } from "./types.js";

/**
 * Nobody deploys alone: the stage needs `stage.approvals` distinct approvers other than the release's author,
 * the person who triggered the deploy and the person who recorded a hotfix. With `gates.github-reviewers`,
 * GitHub's required reviewers do the job when the environment really has them with prevent-self-review and one
 * approval is enough (GitHub's environments stop at one); otherwise Shipline says what is misconfigured and
 * counts `/approve` comments itself.
 */
export function fourEyesGate(ctx: GateContext): GateResult {
  const required = ctx.stage.approvals;
  const stage = ctx.stage.name;
  if (required <= 0) return { gate: "four-eyes", ok: true, reason: `${stage} needs no approval.` };

  let note = "";
  if (ctx.pipeline.gates["github-reviewers"]) {
    const problem = githubReviewerProblem(ctx);
    if (!problem) {
      return {
        gate: "four-eyes",
        ok: true,
        reason: `GitHub's required reviewers (with prevent self-review) approve deploys to environment ${ctx.stage.environment}.`,
        next: "A required reviewer other than the person who triggered the deploy approves the job in the workflow run.",
      };
    }
    note = ` Note: github-reviewers is on, but ${problem}, so Shipline counts /approve instead.`;
  }

  const excluded = [ctx.release.author, ctx.triggeredBy, ...(ctx.hotfix ? [ctx.hotfix.by] : [])];
  const isExcluded = (login: string) => excluded.some((e) => sameLogin(e, login));
  const relevant = ctx.approvals.filter((a) => a.stage === stage && a.at.getTime() <= ctx.now.getTime());
  const approvers = distinct(relevant.filter((a) => !isExcluded(a.login)).map((a) => a.login));
  const ignored = distinct(relevant.filter((a) => isExcluded(a.login)).map((a) => a.login));

  const who = distinct(excluded)
    .map((l) => `@${l}`)
    .join(", ");
  if (approvers.length >= required) {
    return {
      gate: "four-eyes",
      ok: true,
      reason: `Approved by ${approvers.map((l) => `@${l}`).join(", ")} (${required} required).${note}`,
    };
  }
  const have = approvers.length
    ? `; approved so far by ${approvers.map((l) => `@${l}`).join(", ")}`
    : "; no approval yet";
  const self = ignored.length
    ? ` Approvals by ${ignored.map((l) => `@${l}`).join(", ")} do not count: nobody approves their own deploy.`
    : "";
  const allowed = ctx.stage.approvers?.length
    ? ` (one of ${ctx.stage.approvers.map((p) => (p.startsWith("@") ? p : `@${p}`)).join(", ")})`
    : "";
  return {
    gate: "four-eyes",
    ok: false,
    reason: `${stage} needs ${required} approval${required > 1 ? "s" : ""} from someone other than ${who}${have}.${self}${note}`,
    next: `Ask another user with write access${allowed} to comment /approve ${ctx.release.tag} to ${stage}, then promote again.`,
  };
}

function githubReviewerProblem(ctx: GateContext): string | undefined {
  const env = ctx.environment;
  const name = ctx.stage.environment;
  if (!env)
    return `GitHub reports no required reviewers for environment ${name} (a private repository needs GitHub Enterprise for them)`;
  if (env.requiredReviewers < 1) return `environment ${name} has no required reviewers`;
  if (!env.preventSelfReview) return `environment ${name} does not prevent self-review`;
  if (ctx.stage.approvals > 1)
    return `${ctx.stage.approvals} approvals are required and GitHub's required reviewers count only one`;
  return undefined;
}

function distinct(logins: string[]): string[] {
  const seen = new Map<string, string>();
  for (const l of logins) if (!seen.has(l.toLowerCase())) seen.set(l.toLowerCase(), l);
  return [...seen.values()];
}
