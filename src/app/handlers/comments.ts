import type { Probot } from "probot";
import { parseErrorAnswer } from "../../commands/answer.js";
import { parseCommand } from "../../commands/parse.js";
import { ACK_REACTION } from "../../commands/reply.js";
import type { AppDeps } from "../deps.js";
import { commandIO, runCommand } from "../run-command.js";

/**
 * issue_comment.created: a Shipline command in the first line of a comment. Reacts at once, then answers
 * with a comment. Comments by bots are ignored (no loops with other bots or with our own replies).
 */
export function registerComments(app: Probot, deps: AppDeps): void {
  app.on("issue_comment.created", async (context) => {
    const { comment, issue, sender, repository } = context.payload;
    if (sender.type === "Bot" || comment.user?.type === "Bot") return;
    const parsed = parseCommand(comment.body ?? "");
    if (parsed.kind === "none") return;
    const io = commandIO(context, deps, repository.html_url);
    await io.conv.react(comment.id, ACK_REACTION);
    if (parsed.kind === "error")
      return void (await io.conv.comment(issue.number, parseErrorAnswer(sender.login, parsed.message).body));
    const isFork = issue.pull_request ? await io.conv.isForkPullRequest(issue.number) : false;
    const result = await runCommand(io, {
      command: parsed.command,
      actor: sender.login,
      key: `c${comment.id}`,
      text: comment.body,
      isFork,
    });
    if (result) await io.conv.comment(issue.number, result.body);
  });
}
