import type { Pipeline, ResolvedStage } from "../config/types.js";
import { type Command, specOf } from "./registry.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

const RANK: Record<Permission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export interface AuthorizeInput {
  command: Command;
  /** Login of the commenter (or of whoever pressed the button). */
  actor: string;
  /** The actor's permission on the repository, as GitHub reports it. */
  permission: Permission;
  /** Teams the actor belongs to, as "org/team" (a leading "@" is accepted). */
  teams: readonly string[];
  /** The comment is on a pull request from a fork. */
  isFork?: boolean;
  pipeline: Pipeline;
  /** The stage the command acts on, when the shell has resolved it (e.g. the next stage for /promote). */
  stage?: ResolvedStage;
  /** The release the command acts on: its author, who triggered its pending deploy, who recorded its hotfix. */
  release?: { tag: string; author: string; triggeredBy?: string; hotfixBy?: string };
}

export type Authorization = { allowed: true; production: boolean } | { allowed: false; reason: string };

const at = (p: string) => (p.startsWith("@") ? p : `@${p}`);

/** Does the actor match one of these principals (a login or an @org/team)? */
export function matchesPrincipal(
  actor: string,
  teams: readonly string[],
  principals: readonly string[],
): boolean {
  const myTeams = new Set(teams.map((t) => t.replace(/^@/, "").toLowerCase()));
  return principals.some((p) => {
    const bare = p.replace(/^@/, "").toLowerCase();
    return bare.includes("/") ? myTeams.has(bare) : bare === actor.toLowerCase();
  });
}

/** Is the command aimed at a production stage or environment? Unknown targets count as production (fail closed). */
export function targetsProduction(input: Pick<AuthorizeInput, "command" | "pipeline" | "stage">): boolean {
  if (input.stage) return input.stage.production;
  const c = input.command;
  const stages = input.pipeline.stages;
  if ("stage" in c && c.stage) return stages.find((s) => s.name === c.stage)?.production ?? true;
  if ("environment" in c && c.environment) {
    const users = stages.filter((s) => s.environment === c.environment);
    return users.length === 0 || users.some((s) => s.production);
  }
  return true;
}

/**
 * Who may run what. Everyone may ask for /help and /status; every other command needs write access, and
 * production actions may be limited further to `gates.production-actors`; `/approve` and `/promote` into a
 * stage with `approvers` need one of them; nobody approves a release they wrote or a deploy they triggered.
 * A refusal says politely who may.
 */
export function authorize(input: AuthorizeInput): Authorization {
  const { command, actor, pipeline } = input;
  const name = command.name;
  const me = `@${actor}`;
  // Commands anyone may run: they change nothing.
  if (specOf(name).readOnly) return { allowed: true, production: false };

  if (input.isFork)
    return {
      allowed: false,
      reason: `Sorry ${me}, Shipline does not take \`/${name}\` from pull requests opened from forks. Please comment on an issue or a pull request of this repository.`,
    };

  if (RANK[input.permission] < RANK.write)
    return {
      allowed: false,
      reason: `Sorry ${me}, \`/${name}\` needs write access to this repository and you have ${input.permission === "none" ? "no access" : `${input.permission} access`}. Anyone with write, maintain or admin access may run it; please ask one of them.`,
    };

  const production = targetsProduction(input);
  const actors = pipeline.gates["production-actors"];
  if (production && actors && actors.length > 0 && !matchesPrincipal(actor, input.teams, actors))
    return {
      allowed: false,
      reason: `Sorry ${me}, production actions are limited to ${actors.map(at).join(", ")} (\`gates.production-actors\`). Please ask one of them to run \`/${name}\`.`,
    };

  const approvers = input.stage?.approvers;
  if ((name === "approve" || name === "promote") && approvers && approvers.length > 0) {
    if (!matchesPrincipal(actor, input.teams, approvers))
      return {
        allowed: false,
        reason: `Sorry ${me}, only ${approvers.map(at).join(", ")} may ${name === "approve" ? "approve" : "promote"} into ${input.stage!.name} (its \`approvers\`).`,
      };
  }

  if (name === "approve" && input.release) {
    const r = input.release;
    const own = (login: string | undefined) =>
      login !== undefined && login.toLowerCase() === actor.toLowerCase();
    const why = own(r.author)
      ? `you published ${r.tag}`
      : own(r.triggeredBy)
        ? `you triggered this deploy of ${r.tag}`
        : own(r.hotfixBy)
          ? `you recorded the hotfix for ${r.tag}`
          : undefined;
    if (why) {
      const excluded = [r.author, r.triggeredBy, r.hotfixBy].filter((l): l is string => l !== undefined);
      const distinct = excluded.filter(
        (l, i) => excluded.findIndex((o) => o.toLowerCase() === l.toLowerCase()) === i,
      );
      return {
        allowed: false,
        reason: `Sorry ${me}, ${why}, and nobody approves their own deploy (four-eyes). Another user with write access (not ${distinct.map(at).join(" or ")}) may approve it.`,
      };
    }
  }
  return { allowed: true, production };
}
