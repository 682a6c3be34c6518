import type { Probot } from "probot";
import { TICK_WORKFLOW } from "../clock/tick-switch.js";
import type { AppDeps } from "../deps.js";
import { gatewayFor } from "../gateway-for.js";
import { wakeRepo } from "../wake.js";

/**
 * The clock that needs no server of its own: the repository's tick workflow runs on a schedule (a few
 * seconds of runner time, while something waits: the App enables it when a stage starts waiting and disables
 * it when a tick finds nothing waiting), and each completed run's `workflow_run` event makes the App look again
 * at every waiting stage. Works the same on any replica and on a serverless host.
 */
export function registerClock(app: Probot, deps: AppDeps): void {
  app.on("workflow_run.completed", async (context) => {
    const path = String((context.payload.workflow_run as { path?: string }).path ?? "");
    if (!path.endsWith(`/${TICK_WORKFLOW}`)) return;
    const outcomes = await wakeRepo(context, deps, gatewayFor(context, deps), { fromTick: true });
    context.log.info(`tick: ${outcomes.length ? outcomes.join("; ") : "nothing waits"}`);
  });
}
