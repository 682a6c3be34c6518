import type { Config } from "../config/types.js";
import type { Effect } from "./types.js";

/** The check run that reports an environment sync, on the commit that changed the config. */
export const ENVIRONMENTS_CHECK = "shipline / environments";

/** A required reviewer: a login, or `@org/team` for a team; `id` once GitHub told us. */
export interface Reviewer {
  type: "User" | "Team";
  name: string;
  id?: number;
}

export type BranchPolicy = "all" | "protected" | "custom";

/** What an environment's settings are, as read from GitHub. */
export interface EnvironmentState {
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: Reviewer[];
  branchPolicy: BranchPolicy;
  /** Name patterns of the environment's tag policies (branch policies are left alone). */
  tagPolicies: string[];
  /** Whether Shipline's own custom deployment protection rule is enabled. */
  protectionRule: boolean;
}

/** One environment as the shell read it: its state, null when it does not exist, or why it could not be read. */
export type EnvironmentRead = EnvironmentState | null | { error: Failure };

/** The full settings one PUT /environments/{name} writes. */
export interface EnvironmentSettings {
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: Reviewer[];
  branchPolicy: BranchPolicy;
}

export type EnvironmentChange =
  | { kind: "create"; environment: string; settings: EnvironmentSettings; description: string }
  | { kind: "update"; environment: string; settings: EnvironmentSettings; description: string }
  | { kind: "reviewers"; environment: string; settings: EnvironmentSettings; description: string }
  | { kind: "tag-policy"; environment: string; pattern: string; description: string }
  | { kind: "protection-rule"; environment: string; description: string };

export interface EnvironmentPlan {
  changes: EnvironmentChange[];
  /** What is already as configured, one line per environment. */
  unchanged: string[];
  /** Environments that could not be read, with why. */
  unreadable: { environment: string; failure: Failure }[];
  /** Notes the user should know (e.g. no reviewers configured for a production environment). */
  notes: string[];
}

export interface Failure {
  status?: number;
  message: string;
}

export type Outcome = { ok: true } | { ok: false; failure: Failure };

/** What the config asks of one environment. */
export interface DesiredEnvironment {
  environment: string;
  production: boolean;
  waitTimer?: number;
  reviewers?: Reviewer[];
  tagPatterns: string[];
}

/** The environments the config asks Shipline to sync (pipelines with `gates.environments.sync: true`). */
export function desiredEnvironments(config: Config): DesiredEnvironment[] {
  const byName = new Map<string, DesiredEnvironment>();
  for (const pipeline of config.pipelines) {
    const sync = pipeline.gates.environments;
    if (!sync?.sync) continue;
    const pattern = sync["tag-pattern"] ?? pipeline.tags;
    for (const stage of pipeline.stages) {
      const name = stage.environment;
      const env = byName.get(name) ?? { environment: name, production: false, tagPatterns: [] };
      env.production ||= stage.production;
      if (!env.tagPatterns.includes(pattern)) env.tagPatterns.push(pattern);
      const minutes = sync["wait-timer"]?.[name];
      if (minutes !== undefined) env.waitTimer = minutes;
      const explicit = sync.reviewers?.[name];
      const fromStage = stage.production ? (stage.approvers ?? []) : [];
      const principals = explicit ?? [...(env.reviewers ?? []).map((r) => r.name), ...fromStage];
      if (principals.length) env.reviewers = uniqueReviewers(principals.map(toReviewer));
      byName.set(name, env);
    }
  }
  return [...byName.values()];
}

/** Logins (`alice`, `@alice`) and teams (`@org/team`) as reviewers. */
export function toReviewer(principal: string): Reviewer {
  const name = principal.replace(/^@/, "");
  return name.includes("/") ? { type: "Team", name: `@${name}` } : { type: "User", name };
}

function uniqueReviewers(list: Reviewer[]): Reviewer[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const key = r.name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sameReviewers(a: Reviewer[], b: Reviewer[]): boolean {
  const key = (l: Reviewer[]) =>
    l
      .map((r) => r.name.toLowerCase())
      .sort()
      .join(",");
  return key(a) === key(b);
}

const names = (l: Reviewer[]) => l.map((r) => (r.type === "Team" ? r.name : `@${r.name}`)).join(", ");
const minutes = (n: number) => `${n} minute${n === 1 ? "" : "s"}`;
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

const MAX_REVIEWERS = 6;

const EMPTY: EnvironmentState = {
  waitTimer: 0,
  preventSelfReview: false,
  reviewers: [],
  branchPolicy: "all",
  tagPolicies: [],
  protectionRule: false,
};

/**
 * The changes that bring each environment the config names to its configured settings, given what GitHub
 * reports now. Each PUT carries the environment's full settings (current values where the config says
 * nothing), so one write never resets another; reviewers go in their own PUT, so a refusal there (private
 * repositories without Enterprise) leaves the wait timer and tag policy applied.
 */
export function planEnvironments(
  desired: DesiredEnvironment[],
  current: Record<string, EnvironmentRead>,
): EnvironmentPlan {
  const plan: EnvironmentPlan = { changes: [], unchanged: [], unreadable: [], notes: [] };
  for (let want of desired) {
    const env = want.environment;
    const read = current[env];
    if (read && "error" in read) {
      plan.unreadable.push({ environment: env, failure: read.error });
      continue;
    }
    const exists = read !== null && read !== undefined;
    const now = read ?? EMPTY;
    const right: string[] = [];

    // 1. The environment itself, its wait timer, and deploys limited to the listed (tag) policies.
    const waitTimer = want.waitTimer ?? now.waitTimer;
    const settings: EnvironmentSettings = {
      waitTimer,
      preventSelfReview: now.preventSelfReview,
      reviewers: now.reviewers,
      branchPolicy: "custom",
    };
    const what: string[] = [];
    if (waitTimer !== now.waitTimer)
      what.push(`wait timer set to ${minutes(waitTimer)} (was ${minutes(now.waitTimer)})`);
    else if (want.waitTimer !== undefined) right.push(`wait timer ${minutes(waitTimer)}`);
    if (exists && now.branchPolicy !== "custom")
      what.push(
        `deploys limited to selected tags (was: ${now.branchPolicy === "all" ? "any branch or tag" : "protected branches"})`,
      );
    if (!exists) {
      const extra = what.length ? `: ${what.join("; ")}` : "";
      plan.changes.push({
        kind: "create",
        environment: env,
        settings,
        description: `created the environment, deploys limited to selected tags${extra}`,
      });
    } else if (what.length) {
      plan.changes.push({ kind: "update", environment: env, settings, description: what.join("; ") });
    }

    // 2. Required reviewers, with prevent self-review for production.
    if (want.reviewers && want.reviewers.length > MAX_REVIEWERS) {
      plan.notes.push(
        `${code(env)}: GitHub allows at most ${MAX_REVIEWERS} required reviewers; Shipline sets the first ${MAX_REVIEWERS} (${names(want.reviewers.slice(0, MAX_REVIEWERS))}).`,
      );
      want = { ...want, reviewers: want.reviewers.slice(0, MAX_REVIEWERS) };
    }
    if (want.reviewers?.length) {
      const preventSelfReview = want.production || now.preventSelfReview;
      const label = `required reviewers ${names(want.reviewers)}${preventSelfReview ? " with prevent self-review" : ""}`;
      if (sameReviewers(want.reviewers, now.reviewers) && preventSelfReview === now.preventSelfReview) {
        right.push(label);
      } else {
        plan.changes.push({
          kind: "reviewers",
          environment: env,
          settings: { ...settings, reviewers: want.reviewers, preventSelfReview },
          description: `${label}${now.reviewers.length ? ` (were ${names(now.reviewers)})` : ""}`,
        });
      }
    } else if (want.production) {
      plan.notes.push(
        `${code(env)}: no required reviewers configured (set the stage's \`approvers\` or \`gates.environments.reviewers\`); Shipline's own /approve enforces four-eyes.`,
      );
    }

    // 3. Tag policies: only the release tags may deploy.
    for (const pattern of want.tagPatterns) {
      if (now.tagPolicies.includes(pattern)) right.push(`only tags matching ${code(pattern)} may deploy`);
      else
        plan.changes.push({
          kind: "tag-policy",
          environment: env,
          pattern,
          description: `added tag policy ${code(pattern)}`,
        });
    }

    // 4. Shipline's gates as the environment's custom protection rule.
    if (now.protectionRule) right.push("Shipline's protection rule enabled");
    else
      plan.changes.push({
        kind: "protection-rule",
        environment: env,
        description: "enabled Shipline's protection rule (its gates)",
      });

    if (exists && right.length) plan.unchanged.push(`${code(env)}: ${right.join("; ")}`);
  }
  return plan;
}

/** Why a change could not be made, in words that say what to do. */
export function explainFailure(change: EnvironmentChange | undefined, failure: Failure): string {
  if (failure.status === 403 && /not accessible by integration/i.test(failure.message))
    return "the App lacks the Administration permission (accept Shipline's updated permissions in the installation settings).";
  if (failure.status === 422 && change?.kind === "reviewers")
    return "required reviewers need GitHub Enterprise on private repositories: Shipline's own /approve enforces four-eyes instead.";
  if (failure.status === 422 && change?.kind === "protection-rule")
    return `GitHub refused the custom protection rule (${clean(failure.message)}); on private repositories it needs GitHub Enterprise.`;
  return failure.status
    ? `GitHub answered ${failure.status}: ${clean(failure.message)}`
    : clean(failure.message);
}

function clean(text: string): string {
  return text.replace(/\s+/g, " ").replace(/[<>]/g, "").slice(0, 300);
}

/** The `shipline / environments` check run: what changed, what was already right, what could not change and why. */
export function environmentReport(
  plan: EnvironmentPlan,
  outcomes: Outcome[],
): Extract<Effect, { kind: "create-check" }> {
  const changed: string[] = [];
  const failed: string[] = [];
  plan.changes.forEach((change, i) => {
    const outcome = outcomes[i] ?? { ok: false, failure: { message: "not attempted" } };
    if (outcome.ok) changed.push(`- ${code(change.environment)}: ${change.description}`);
    else
      failed.push(
        `- ${code(change.environment)}: ${change.description}: **${explainFailure(change, outcome.failure)}**`,
      );
  });
  for (const { environment, failure } of plan.unreadable)
    failed.push(
      `- ${code(environment)}: could not read its settings: **${explainFailure(undefined, failure)}**`,
    );
  const section = (title: string, lines: string[]) =>
    lines.length ? [`### ${title}`, "", ...lines, ""] : [];
  const nothing = plan.changes.length === 0 && plan.unreadable.length === 0;
  const title = nothing
    ? "Environments already as configured"
    : failed.length
      ? `Environments: ${changed.length} changed, ${failed.length} could not be changed`
      : `Environments: ${changed.length} change${changed.length === 1 ? "" : "s"} applied`;
  return {
    kind: "create-check",
    name: ENVIRONMENTS_CHECK,
    status: "completed",
    conclusion: failed.length ? "neutral" : "success",
    title,
    summary: [
      nothing
        ? "Every environment is already as configured in `.github/shipline.yml`; nothing was changed."
        : "Shipline synced the environments named in `.github/shipline.yml` (`gates.environments`).",
      "",
      ...section("Changed", changed),
      ...section("Could not change", failed),
      ...section(
        "Already as configured",
        plan.unchanged.map((l) => `- ${l}`),
      ),
      ...section(
        "Notes",
        plan.notes.map((l) => `- ${l}`),
      ),
    ]
      .join("\n")
      .trimEnd(),
  };
}
