import type { Probot } from "probot";
import { configCheck } from "../../pipeline/config-check.js";
import { configPushMatters, configPushNeedsRunbook } from "../../pipeline/config-push.js";
import { runbookIsCurrent } from "../../runbook/current.js";
import type { AppDeps } from "../deps.js";
import { gatewayFor } from "../gateway-for.js";
import { readConfig } from "../load-config.js";

/** A push that changes .github/shipline.yml (or RUNBOOK.md) gets a `shipline / config` check run on its head commit. */
export function registerConfigPush(app: Probot, deps: AppDeps): void {
  app.on("push", async (context) => {
    const { payload } = context;
    const changed = payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]);
    const head = payload.head_commit?.id;
    if (!head || !configPushMatters({ changed, deleted: payload.deleted, head })) return;
    const gw = gatewayFor(context, deps);
    const read = await readConfig(gw, head);
    if (!read) return;
    const runbookPath = configPushNeedsRunbook(read.result.ok);
    const runbook = runbookPath ? await gw.readFile(runbookPath, head) : undefined;
    const check = configCheck(
      head,
      read.result,
      runbook === undefined ? undefined : runbookIsCurrent(read.text, runbook),
    );
    await gw.createCheck(head, check);
  });
}
