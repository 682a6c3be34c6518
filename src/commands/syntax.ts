import type { CommandName } from "./types.js";

/** How each command is written; shown in errors and in /help. */
export const USAGE: Record<CommandName, string> = {
  deploy: "/deploy <tag> [to <stage>]",
  promote: "/promote [<tag>] [to <stage>]",
  rollback: "/rollback [<environment>] [to <tag>] [-- reason]",
  pause: "/pause [<stage>]",
  resume: "/resume [<stage>]",
  lock: "/lock <environment> [for <duration>] [-- reason]",
  unlock: "/unlock <environment>",
  approve: "/approve [<tag>] [to <stage>]",
  hotfix: "/hotfix <tag> [to <stage>] -- reason",
  status: "/status [<tag>]",
  retry: "/retry [<tag>] [to <stage>]",
  help: "/help",
};

export const DESCRIPTION: Record<CommandName, string> = {
  deploy: "Deploy a release to a stage (default: the first stage).",
  promote: "Promote the release to the next stage once its gates are open.",
  rollback: "Roll an environment back to the previous release (or the one named), from stored artifacts.",
  pause: "Pause a rollout between waves.",
  resume: "Resume a paused rollout.",
  lock: "Lock an environment: only you may deploy to it until /unlock or the lock expires.",
  unlock: "Remove an environment's lock.",
  approve: "Approve a release for a stage (four-eyes: not the author nor whoever triggered it).",
  hotfix: "Record a hotfix: skips bake times, never other validations; needs a reason.",
  status: "Show where releases are in the pipeline.",
  retry: "Start a stage again whose deploy workflow could not be started or failed.",
  help: "Show this help.",
};

/** `/rollback [<environment>] [to <tag>] [-- reason]` -> the command, its arguments, and its reason (own columns). */
function usageParts(name: CommandName): { command: string; args: string[]; reason: string } {
  const usage = USAGE[name];
  const reason = /\[-- reason\]$/.test(usage) ? "optional" : / -- reason$/.test(usage) ? "required" : "—";
  const rest = usage
    .replace(/ ?\[?-- reason\]?$/, "")
    .slice(`/${name}`.length)
    .trim();
  return { command: `/${name}`, args: rest.match(/\[[^\]]*\]|<[^>]*>/g) ?? [], reason };
}

/** The /help reply: one row per command; arguments and the reason in their own columns, so no cell wraps mid-usage. */
export function helpText(): string {
  const rows = (Object.keys(USAGE) as CommandName[]).map((n) => {
    const { command, args, reason } = usageParts(n);
    return `| \`${command}\` | ${args.map((a) => `\`${a}\``).join(" ")} | ${reason} | ${DESCRIPTION[n]} |`;
  });
  return [
    "**Shipline commands** (first line of a comment; you need write access, production may be limited further):",
    "",
    "| Command | Arguments | Reason after ` -- ` | What it does |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    "Arguments in `[ ]` are optional. Tags use letters, digits and `. _ / + -`; stages and environments are the names in `.github/shipline.yml`. " +
      "Durations look like `30m`, `2h` or `1d`. A reason follows ` -- ` and may use letters, digits, spaces and " +
      "`. , : ! ? ( ) [ ] # @ / _ + = % * ' -`.",
  ].join("\n");
}
