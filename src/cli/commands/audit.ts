import { Octokit } from "@octokit/rest";
import { timelineText } from "../../audit/format.js";
import { readAuditSource } from "../../audit/read.js";
import { buildTimeline } from "../../audit/timeline.js";
import { parseFlags } from "../args.js";
import type { Command } from "./types.js";
import { takeSwitches } from "./validate.js";

export interface AuditDeps {
  env: NodeJS.ProcessEnv;
  fetch?: typeof globalThis.fetch;
}

/** `shipline audit <tag>`: the release's timeline, rebuilt from what GitHub recorded. */
export function makeAuditCommand(deps: AuditDeps = { env: process.env }): Command {
  return {
    name: "audit",
    summary: "Print a release's audit trail (dispatches, gates, approvals, rollbacks, locks) from GitHub",
    usage: "shipline audit <tag> [--repo owner/name] [--json]   (GITHUB_TOKEN in the environment)",
    async run(args, io) {
      const { rest, on } = takeSwitches(args, ["json"]);
      const [tag, ...flags] = rest;
      const parsed = parseFlags(flags, ["repo", "api-url"]);
      if (!tag || tag.startsWith("--") || !parsed.ok) {
        io.err(parsed.ok ? "usage: shipline audit <tag> [--repo owner/name] [--json]" : parsed.error);
        return 2;
      }
      const slug = parsed.flags.repo ?? deps.env.GITHUB_REPOSITORY;
      const m = slug ? /^([\w.-]+)\/([\w.-]+)$/.exec(slug) : null;
      if (!m) {
        io.err("name the repository with --repo owner/name (or set GITHUB_REPOSITORY)");
        return 2;
      }
      const token = deps.env.GITHUB_TOKEN || deps.env.GH_TOKEN;
      const octokit = new Octokit({
        ...(token ? { auth: token } : {}),
        baseUrl: parsed.flags["api-url"] ?? deps.env.GITHUB_API_URL ?? "https://api.github.com",
        userAgent: "shipline-cli",
        ...(deps.fetch ? { request: { fetch: deps.fetch } } : {}),
      });
      const source = await readAuditSource(octokit, { owner: m[1]!, repo: m[2]! }, tag);
      const timeline = buildTimeline(source);
      io.out(on.has("json") ? JSON.stringify(timeline, null, 2) : timelineText(timeline));
      return 0;
    },
  };
}

export const auditCommand = makeAuditCommand();
