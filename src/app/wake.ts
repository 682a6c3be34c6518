import { pipelineForTag } from "../config/index.js";
import type { GitHubGateway } from "../github/gateway.js";
import { decideBake } from "../pipeline/bake.js";
import { bakeWaitingRef, parseWaitingRef, resumeHeld, type Waiting, waitingRef } from "../pipeline/hold.js";
import { tickOffWhenIdle } from "./clock/tick-switch.js";
import type { AppDeps } from "./deps.js";
import { applyWithGates } from "./gated-apply.js";
import { loadConfig } from "./load-config.js";
import { clientOf, type Shell } from "./shell.js";

/**
 * The stateless clock's work for one repository: every stage listed as waiting (one request for them all:
 * the `refs/shipline-wait/` refs) has its gates looked at again and is dispatched if they opened. Nothing
 * is kept between calls, so any replica, a restarted App or a serverless function can do it.
 */
export async function wakeRepo(
  shell: Shell,
  deps: AppDeps,
  gw: GitHubGateway,
  options: { fromTick?: boolean } = {},
): Promise<string[]> {
  const client = clientOf(shell);
  const { data } = await client.request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
    ...gw.repo,
    ref: "shipline-wait/",
  });
  const waiting = (data as { ref: string }[])
    .map((r) => parseWaitingRef(r.ref))
    .filter((w): w is Waiting => w !== undefined);
  const outcomes: string[] = [];
  for (const w of waiting) outcomes.push(await wakeStage(shell, deps, gw, w.tag, w.stage, w.kind));
  await tickOffWhenIdle(client, gw.repo, shell.log, { listed: waiting.length, fromTick: !!options.fromTick });
  return outcomes;
}

/**
 * Looks at one waiting stage again. A held stage is dispatched when its gates are open, else it keeps waiting; a
 * baking stage gets its due verification round dispatched, or succeeds once its bake is over (`pipeline/bake.ts`
 * decides; the next stage then goes through the gates like any promotion).
 */
export async function wakeStage(
  shell: Shell,
  deps: AppDeps,
  gw: GitHubGateway,
  tag: string,
  stage: string,
  kind: Waiting["kind"] = "hold",
): Promise<string> {
  const release = await gw.releaseByTag(tag);
  const config = release ? await loadConfig(gw, tag) : undefined;
  const pipeline = config?.ok ? pipelineForTag(config.config, tag) : undefined;
  if (!release || !config?.ok || !pipeline) {
    await gw.release(kind === "bake" ? bakeWaitingRef(tag, stage) : waitingRef(tag, stage));
    return `${tag} ${stage}: no release or config any more; no longer waiting`;
  }
  const snapshot = { release, checkRuns: await gw.shiplineChecks(release.sha) };
  const decision =
    kind === "bake"
      ? decideBake(pipeline, snapshot, stage, deps.now())
      : resumeHeld(pipeline, snapshot, stage);
  const { dispatched, held } = await applyWithGates(
    shell,
    deps,
    gw,
    config.config,
    snapshot,
    decision,
    shell.log,
    {
      quietIfUnchanged: true,
    },
  );
  if (kind === "bake") return decision.reason;
  return dispatched.length
    ? `${tag} ${stage}: gates open, dispatched`
    : held.length
      ? `${tag} ${stage}: still waiting`
      : decision.reason;
}
