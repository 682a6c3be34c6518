import { COMMANDS, type CommandName, specOf } from "./registry.js";

/** How a command is written; shown in errors and in /help (its spec's usage). */
export function usageOf(name: CommandName): string {
  return specOf(name).usage;
}

/** `/rollback [<environment>] [to <tag>] [-- reason]` -> the command, its arguments, and its reason (own columns). */
function usageParts(name: CommandName): { command: string; args: string[]; reason: string } {
  const usage = usageOf(name);
  const reason = /\[-- reason\]$/.test(usage) ? "optional" : / -- reason$/.test(usage) ? "required" : "—";
  const rest = usage
    .replace(/ ?\[?-- reason\]?$/, "")
    .slice(`/${name}`.length)
    .trim();
  return { command: `/${name}`, args: rest.match(/\[[^\]]*\]|<[^>]*>/g) ?? [], reason };
}

/** The /help reply: one row per registered command; arguments and the reason in their own columns, so no cell wraps mid-usage. */
export function helpText(): string {
  const rows = COMMANDS.map((spec) => {
    const { command, args, reason } = usageParts(spec.name);
    return `| \`${command}\` | ${args.map((a) => `\`${a}\``).join(" ")} | ${reason} | ${spec.description} |`;
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
