import type { Probot } from "probot";
import { buttonAnswerEffect } from "../../commands/answer.js";
import { buttonRelease, pressedCommand } from "../../commands/buttons.js";
import { pipelineForTag } from "../../config/index.js";
import { CHECK_PREFIX } from "../../pipeline/index.js";
import type { AppDeps } from "../deps.js";
import { loadConfig } from "../load-config.js";
import { commandIO, runCommand } from "../run-command.js";

/**
 * check_run.requested_action: the Promote / Rollback / Pause buttons of a stage check run. The press becomes
 * the same Command as a comment (commands/buttons.ts) and goes through the same permission checks; the answer is
 * appended to the pressed check run's summary (there is no comment thread to answer in).
 */
export function registerButtons(app: Probot, deps: AppDeps): void {
  app.on("check_run.requested_action", async (context) => {
    const { check_run: run, requested_action: action, sender, repository } = context.payload;
    if (sender.type === "Bot" || !run.name.startsWith(CHECK_PREFIX)) return;
    const tag = buttonRelease(run.output?.summary);
    if (!tag) return void context.log.warn(`${run.name} (${run.id}) names no release: button ignored`);
    const io = commandIO(context, deps, repository.html_url);
    // The summary is ours, but check that the tag really is this check run's commit before acting on it.
    if ((await io.gw.tagCommit(tag).catch(() => undefined)) !== run.head_sha)
      return void context.log.warn(`${tag} does not point at ${run.head_sha}: button ignored`);
    const config = await loadConfig(io.gw, tag);
    const pipeline = config?.ok ? pipelineForTag(config.config, tag) : undefined;
    const pressed = pressedCommand(
      pipeline,
      run.name.slice(CHECK_PREFIX.length),
      tag,
      action?.identifier ?? "",
    );
    if ("ignored" in pressed)
      return void context.log.info(`${pressed.ignored} on ${run.name}: button ignored`);
    const result = await runCommand(io, {
      command: pressed.command,
      actor: sender.login,
      key: `b${context.id}`,
      releaseTag: tag,
    });
    if (!result) return;
    // The pressed check run as the command left it (read for it, or written by it): read again only when the
    // command stopped before reading the release's check runs (no valid config).
    const check = (result.checkRuns ?? (await io.conv.checks(run.head_sha))).find((c) => c.id === run.id);
    if (!check) return;
    const answer = buttonAnswerEffect(check, result.body);
    await io.gw.updateCheck(answer.id, answer);
  });
}
