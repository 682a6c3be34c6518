import { formatCommand } from "./parse.js";
import type { Command } from "./types.js";

/** Reaction added to a command comment at once, before any work (GitHub's reaction names). */
export const ACK_REACTION = "eyes";
/** Reactions once the outcome is known. */
export const OUTCOME_REACTION = {
  accepted: "rocket",
  done: "+1",
  refused: "-1",
  failed: "confused",
} as const;

export type ReplyOutcome = keyof typeof OUTCOME_REACTION;

export interface ReplyLinks {
  run?: string;
  checkRun?: string;
  deployment?: string;
  release?: string;
}

export interface ReplyInput {
  actor: string;
  command: Command;
  outcome: ReplyOutcome;
  /** What happened or why not, written by the core (gates, authorize, parse); may be Markdown. */
  message: string;
  links?: ReplyLinks;
  hotfix?: boolean;
  /** Audit markers (encodeRecord) appended invisibly. */
  records?: readonly string[];
}

const HEADLINE: Record<ReplyOutcome, string> = {
  accepted: "on it",
  done: "done",
  refused: "not run",
  failed: "failed",
};

/** Only http(s) URLs become links; parentheses and spaces are escaped so they cannot break the Markdown. */
function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
    return u.toString().replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/ /g, "%20");
  } catch {
    return undefined;
  }
}

/** Markdown code span that user text cannot break out of. */
function code(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const ticks = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length)) + 1;
  const fence = "`".repeat(ticks);
  return `${fence}${ticks > 1 ? " " : ""}${clean}${ticks > 1 ? " " : ""}${fence}`;
}

/** The comment Shipline answers a command with: what, outcome, why, links to the run, check run and deployment. */
export function replyMarkdown(input: ReplyInput): string {
  const lines = [
    `@${input.actor} ${code(formatCommand(input.command))}: **${HEADLINE[input.outcome]}**${input.hotfix ? " — **HOTFIX**" : ""}`,
    "",
    input.message,
  ];
  const links = [
    ["Workflow run", safeUrl(input.links?.run)],
    ["Check run", safeUrl(input.links?.checkRun)],
    ["Deployment", safeUrl(input.links?.deployment)],
    ["Release", safeUrl(input.links?.release)],
  ].filter((l): l is [string, string] => l[1] !== undefined);
  if (links.length) lines.push("", links.map(([label, url]) => `[${label}](${url})`).join(" · "));
  if (input.records?.length) lines.push("", ...input.records);
  return lines.join("\n");
}
