// `shipline promote|approve|pause|resume|rollback ...`: the same commands as the comment commands, carried out
// by the App with the caller's identity. The CLI posts the command as a comment with the caller's own token on
// the repository's "Shipline release log" issue (or the issue given with --issue), so the App applies exactly
// the permission checks, four-eyes rules and audit records of a comment typed by hand, then waits for its answer.
import { parseCommand } from "../../commands/parse.js";
import type { GitHubClient } from "../../github/client.js";
import { parseArgs } from "../args.js";
import { EXIT } from "../exit.js";
import { type CliEnv, CliError, type GitHubContext, githubContext, statusOf } from "../github.js";
import type { Command } from "./types.js";

export const LOG_ISSUE_TITLE = "Shipline release log";
const LOG_ISSUE_BODY =
  "Commands sent with the `shipline` CLI land here as comments; the Shipline App answers each one.\n" +
  "Anyone with write access may comment `/help` for the list. Closing this issue is harmless: the CLI opens a new one.";

interface Spec {
  name:
    | "promote"
    | "approve"
    | "pause"
    | "resume"
    | "rollback"
    | "deploy"
    | "hotfix"
    | "retry"
    | "lock"
    | "unlock";
  summary: string;
  usage: string;
  /** The comment text from the command line, or an error. */
  text(positionals: string[], flags: Record<string, string>, reason?: string): string;
  values: string[];
  maxPositionals: number;
}

const SPECS: Spec[] = [
  {
    name: "promote",
    summary: "Promote a release to its next stage (as `/promote`), once its gates are open",
    usage: "shipline promote [<tag>] [--to <stage>]",
    values: ["to"],
    maxPositionals: 1,
    text: ([tag], f) => ["/promote", tag, f.to && `to ${f.to}`].filter(Boolean).join(" "),
  },
  {
    name: "approve",
    summary: "Approve a release for a stage (as `/approve`; not the release's author)",
    usage: "shipline approve [<tag>] [--to <stage>]",
    values: ["to"],
    maxPositionals: 1,
    text: ([tag], f) => ["/approve", tag, f.to && `to ${f.to}`].filter(Boolean).join(" "),
  },
  {
    name: "pause",
    summary: "Pause the newest release's rollout between waves (as `/pause`)",
    usage: "shipline pause [<stage>]",
    values: [],
    maxPositionals: 1,
    text: ([stage]) => ["/pause", stage].filter(Boolean).join(" "),
  },
  {
    name: "resume",
    summary: "Resume a paused rollout (as `/resume`)",
    usage: "shipline resume [<stage>]",
    values: [],
    maxPositionals: 1,
    text: ([stage]) => ["/resume", stage].filter(Boolean).join(" "),
  },
  {
    name: "deploy",
    summary: "Deploy a release to a stage (as `/deploy`; default: the first stage)",
    usage: "shipline deploy <tag> [--to <stage>]",
    values: ["to"],
    maxPositionals: 1,
    text: ([tag], f) => ["/deploy", tag, f.to && `to ${f.to}`].filter(Boolean).join(" "),
  },
  {
    name: "hotfix",
    summary: "Record a hotfix (as `/hotfix`): skips bake times, never other validations; needs a reason",
    usage: "shipline hotfix <tag> [--to <stage>] -- <reason>",
    values: ["to", "reason"],
    maxPositionals: 1,
    text: ([tag], f, reason) =>
      ["/hotfix", tag, f.to && `to ${f.to}`, (reason ?? f.reason) && `-- ${reason ?? f.reason}`]
        .filter(Boolean)
        .join(" "),
  },
  {
    name: "retry",
    summary: "Start a stage again whose deploy workflow could not start or failed (as `/retry`)",
    usage: "shipline retry [<tag>] [--to <stage>]",
    values: ["to"],
    maxPositionals: 1,
    text: ([tag], f) => ["/retry", tag, f.to && `to ${f.to}`].filter(Boolean).join(" "),
  },
  {
    name: "lock",
    summary: "Lock an environment (as `/lock`): only you may deploy to it until unlocked or expired",
    usage: "shipline lock <environment> [--for <duration>] [-- reason]",
    values: ["for", "reason"],
    maxPositionals: 1,
    text: ([env], f, reason) =>
      ["/lock", env, f.for && `for ${f.for}`, (reason ?? f.reason) && `-- ${reason ?? f.reason}`]
        .filter(Boolean)
        .join(" "),
  },
  {
    name: "unlock",
    summary: "Remove an environment's lock (as `/unlock`)",
    usage: "shipline unlock <environment>",
    values: [],
    maxPositionals: 1,
    text: ([env]) => ["/unlock", env].filter(Boolean).join(" "),
  },
  {
    name: "rollback",
    summary:
      "Roll an environment back through the App (as `/rollback`); with --dir, a directory target offline",
    usage:
      "shipline rollback [<environment>] [--to <tag>] [-- reason]   |   shipline rollback --dir <target dir> [--to <version>]",
    values: ["to", "reason"],
    maxPositionals: 1,
    text: ([env], f, reason) =>
      ["/rollback", env, f.to && `to ${f.to}`, (reason ?? f.reason) && `-- ${reason ?? f.reason}`]
        .filter(Boolean)
        .join(" "),
  },
];

const COMMON = ["repo", "api-url", "dir", "issue", "timeout"];

async function login(gh: GitHubClient): Promise<string> {
  try {
    const { data } = await gh.request("GET /user");
    return String(data.login);
  } catch (error) {
    if (statusOf(error) === 403 || statusOf(error) === 404)
      throw new CliError(
        "this token does not belong to a person (an App or Actions token?): commands run with your own identity, so use a personal token or `gh auth login`",
        EXIT.auth,
      );
    throw error;
  }
}

/** The issue commands go to: --issue, else the open "Shipline release log" issue, opened when there is none. */
async function logIssue(ctx: GitHubContext, flag: string | undefined): Promise<number> {
  if (flag !== undefined) {
    const n = Number(flag);
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(`--issue ${flag}: give an issue or pull request number`, EXIT.usage);
    return n;
  }
  const { data } = await ctx.client.request("GET /repos/{owner}/{repo}/issues", {
    ...ctx.repo,
    state: "open",
    per_page: 100,
    sort: "created",
    direction: "asc",
  });
  const found = (data as { number: number; title: string; pull_request?: unknown }[]).find(
    (i) => i.title === LOG_ISSUE_TITLE && !i.pull_request,
  );
  if (found) return found.number;
  const { data: created } = await ctx.client.request("POST /repos/{owner}/{repo}/issues", {
    ...ctx.repo,
    title: LOG_ISSUE_TITLE,
    body: LOG_ISSUE_BODY,
  });
  return Number(created.number);
}

interface Reply {
  body: string;
  url: string;
}

/** The App's answer to our comment: the first later comment by a bot that starts with `@<login> `. */
async function waitForReply(
  ctx: GitHubContext,
  issue: number,
  after: { id: number; createdAt: string },
  who: string,
  polls: number,
  sleep: (ms: number) => Promise<void>,
  intervalMs: number,
): Promise<Reply | undefined> {
  for (let i = 0; i < polls; i++) {
    await sleep(intervalMs);
    const { data } = await ctx.client.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...ctx.repo,
      issue_number: issue,
      since: after.createdAt,
      per_page: 100,
    });
    const reply = (
      data as { id: number; body?: string; html_url: string; user?: { type?: string; login?: string } }[]
    ).find((c) => c.id > after.id && c.user?.type === "Bot" && (c.body ?? "").startsWith(`@${who} `));
    if (reply) return { body: reply.body ?? "", url: reply.html_url };
  }
  return undefined;
}

/** The reply without its invisible audit markers. */
function visible(body: string): string {
  return body
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function makeRemoteCommand(spec: Spec, deps: CliEnv, offline?: Command): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    help: [
      `Posts \`${spec.text([], {})} ...\` as a comment with your token on the "${LOG_ISSUE_TITLE}" issue (or --issue N)`,
      "and prints the App's answer: the App checks your permissions exactly as for a comment you typed.",
      "--timeout 60s: how long to wait for the answer (0: post and do not wait). --repo owner/name (default: the",
      "origin remote), --issue N; the token from GITHUB_TOKEN, GH_TOKEN or `gh auth token`, GHES from GH_HOST.",
      "Exit 0 when the App accepted it, 1 when it refused or failed, 5 when it did not answer in time.",
    ].join("\n"),
    async run(args, io) {
      if (offline && args.some((a) => a === "--dir" || a.startsWith("--dir="))) return offline.run(args, io);
      const parsed = parseArgs(args, {
        values: [...spec.values, ...COMMON],
        positionals: spec.maxPositionals,
      });
      if (!parsed.ok) {
        io.err(`${parsed.error}\nusage: ${spec.usage}`);
        return EXIT.usage;
      }
      const { positionals, flags, rest } = parsed.args;
      const text = spec.text(positionals, flags, rest);
      const check = parseCommand(text);
      if (check.kind !== "command") {
        io.err(
          `${check.kind === "error" ? check.message.replace(/`/g, "") : `cannot send ${text}`}\nusage: ${spec.usage}`,
        );
        return EXIT.usage;
      }
      const timeout = /^(\d+)(s|m)?$/.exec(flags.timeout ?? "60s");
      if (!timeout) {
        io.err(`--timeout ${flags.timeout}: give a duration such as 60s or 2m`);
        return EXIT.usage;
      }
      const timeoutMs = Number(timeout[1]) * (timeout[2] === "m" ? 60_000 : 1000);
      const ctx = githubContext(flags, deps);
      const who = await login(ctx.client);
      const issue = await logIssue(ctx, flags.issue);
      const { data: posted } = await ctx.client.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        {
          ...ctx.repo,
          issue_number: issue,
          body: text,
        },
      );
      io.out(`@${who}: posted \`${text}\` on ${ctx.slug}#${issue} (${posted.html_url})`);
      if (timeoutMs === 0) return EXIT.ok;
      const intervalMs = 2_000;
      const reply = await waitForReply(
        ctx,
        issue,
        { id: Number(posted.id), createdAt: String(posted.created_at) },
        who,
        Math.max(1, Math.ceil(timeoutMs / intervalMs)),
        deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
        intervalMs,
      );
      if (!reply) {
        io.err(
          `the App did not answer within ${flags.timeout ?? "60s"}: is it installed on ${ctx.slug} and receiving webhooks? (\`GET /healthz\` on the App says; docs/setup.md)`,
        );
        return EXIT.unavailable;
      }
      const body = visible(reply.body);
      io.out(body);
      const headline = /^@\S+ `[^`]*`: \*\*(on it|done|not run|failed)\*\*/.exec(body)?.[1];
      return headline === "on it" || headline === "done" ? EXIT.ok : EXIT.failed;
    },
  };
}

export function remoteCommands(deps: CliEnv = { env: process.env }, offlineRollback?: Command): Command[] {
  return SPECS.map((s) => makeRemoteCommand(s, deps, s.name === "rollback" ? offlineRollback : undefined));
}
