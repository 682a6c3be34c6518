import type { Probot } from "probot";
import { CONFIG_PATH } from "../../config/index.js";
import { configCheck } from "../../pipeline/config-check.js";
import { runbookIsCurrent } from "../../runbook/current.js";
import type { AppDeps } from "../deps.js";
import { gatewayFor } from "../gateway-for.js";
import { readConfig } from "../load-config.js";

export const RUNBOOK_PATH = "RUNBOOK.md";

/** A push that changes .github/shipline.yml (or RUNBOOK.md) gets a `shipline / config` check run on its head commit. */
export function registerConfigPush(app: Probot, deps: AppDeps): void {
  app.on("push", async (context) => {
    const { payload } = context;
    const changed = new Set(payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]));
    if (!(changed.has(CONFIG_PATH) || changed.has(RUNBOOK_PATH)) || payload.deleted || !payload.head_commit)
      return;
    const gw = gatewayFor(context, deps);
    const sha = payload.head_commit.id;
    const read = await readConfig(gw, sha);
    if (!read) return;
    const runbook = read.result.ok ? await gw.readFile(RUNBOOK_PATH, sha) : undefined;
    const check = configCheck(
      sha,
      read.result,
      runbook === undefined ? undefined : runbookIsCurrent(read.text, runbook),
    );
    await gw.createCheck(sha, check);
  });
}
