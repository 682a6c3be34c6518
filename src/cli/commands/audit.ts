import { timelineText } from "../../audit/format.js";
import { readAuditSource } from "../../audit/read.js";
import { buildTimeline } from "../../audit/timeline.js";
import { parseArgs } from "../args.js";
import { EXIT } from "../exit.js";
import { type CliEnv, CliError, githubContext, statusOf } from "../github.js";
import type { Command } from "./types.js";

export type AuditDeps = CliEnv;

/** `shipline audit <tag>`: the release's timeline, rebuilt from what GitHub recorded. */
export function makeAuditCommand(deps: AuditDeps = { env: process.env }): Command {
  return {
    name: "audit",
    summary: "Print a release's audit trail (dispatches, gates, approvals, rollbacks, locks) from GitHub",
    usage: "shipline audit <tag> [--json] [--repo owner/name]",
    help: "The repository comes from --repo, GITHUB_REPOSITORY or the `origin` remote; the token from GITHUB_TOKEN, GH_TOKEN or `gh auth token`.",
    async run(args, io) {
      const parsed = parseArgs(args, {
        values: ["repo", "api-url", "dir"],
        switches: ["json"],
        positionals: 1,
      });
      const tag = parsed.ok ? parsed.args.positionals[0] : undefined;
      if (!parsed.ok || !tag) {
        io.err(
          `${parsed.ok ? "name the release: shipline audit <tag>" : parsed.error}\nusage: ${this.usage}`,
        );
        return EXIT.usage;
      }
      const ctx = githubContext(parsed.args.flags, deps);
      let source: Awaited<ReturnType<typeof readAuditSource>>;
      try {
        source = await readAuditSource(ctx.client, ctx.repo, tag);
      } catch (error) {
        if (statusOf(error) === 404)
          throw new CliError(
            `there is no release ${tag} in ${ctx.slug}: \`shipline status\` lists the latest`,
            EXIT.notFound,
          );
        throw error;
      }
      const timeline = buildTimeline(source);
      io.out(parsed.args.switches.has("json") ? JSON.stringify(timeline, null, 2) : timelineText(timeline));
      return EXIT.ok;
    },
  };
}

export const auditCommand = makeAuditCommand();
