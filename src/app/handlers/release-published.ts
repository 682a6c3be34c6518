import type { Context, Probot } from "probot";
import { applyDecision } from "../../github/apply.js";
import { releaseProvenance } from "../../github/attestations.js";
import { toRelease } from "../../github/gateway.js";
import { budgetWait, RELEASE_START_WRITES } from "../../pipeline/budget-wait.js";
import { alreadyStarted, checksumAsset, onReleasePublished } from "../../pipeline/published.js";
import { type AppDeps, applyTiming } from "../deps.js";
import { applyWithGates } from "../gated-apply.js";
import { gatewayFor } from "../gateway-for.js";
import { readConfig } from "../load-config.js";
import { writeBudgetOf } from "../octokit.js";
import { withWritePriority } from "../write-budget.js";

/** release.published: check the release is deployable, lay out its stage check runs, dispatch stage 1. */
export function registerReleasePublished(app: Probot, deps: AppDeps): void {
  app.on("release.published", async (context) => {
    // Announced on arrival: a burst's deliveries all arrive before any of them writes (budget-wait.ts).
    const ticket = writeBudgetOf(context.octokit)?.announce(RELEASE_START_WRITES);
    try {
      await handlePublished(context, deps, ticket);
    } finally {
      ticket?.end();
    }
  });
}

type Ticket = ReturnType<NonNullable<ReturnType<typeof writeBudgetOf>>["announce"]>;

async function handlePublished(
  context: Context<"release.published">,
  deps: AppDeps,
  ticket: Ticket | undefined,
): Promise<void> {
  const gw = gatewayFor(context, deps);
  const tag = context.payload.release.tag_name;
  // Independent reads run together (the delivery is answered after the handler: each round trip is latency).
  const [read, sha] = await Promise.all([readConfig(gw, tag), gw.tagCommit(tag)]);
  if (!read) return void context.log.info(`no .github/shipline.yml at ${tag}: ignoring`);
  const config = read.result;
  const release = toRelease(context.payload.release, sha);
  // The Action's rule at publish: the checksum file must list every deployed asset with its hash.
  const sumsId = checksumAsset(config, release);
  const [checkRuns, checksums] = await Promise.all([
    gw.shiplineChecks(sha),
    sumsId === undefined ? undefined : gw.assetText(sumsId),
  ]);
  const snapshot = { release, checkRuns };
  // A redelivery, or a replica after another finished: nothing more to read (attestations, the write budget).
  const started = alreadyStarted(config, snapshot);
  if (started) return void context.log.info(`release.published ${tag}: ${started}`);
  const orgDefaults =
    read.orgDefaults === undefined
      ? undefined
      : { repo: `${gw.repo.owner}/.github`, base64: Buffer.from(read.orgDefaults).toString("base64") };
  // artifacts.provenance: every asset's attestation, read through the gateway and verified here, at publish.
  const repositoryUrl = String(context.payload.repository.html_url);
  const provenance = await releaseProvenance(gw, config, release, checksums, repositoryUrl);
  const decision = onReleasePublished(config, snapshot, orgDefaults, checksums, provenance);
  context.log.info(`release.published ${tag}: ${decision.reason}`);
  if (!config.ok)
    return void (await applyDecision(gw, snapshot, decision, context.log, undefined, applyTiming(deps)));
  const expected = ticket ? { waitMs: await ticket.expectedWait(), ahead: ticket.ahead() } : undefined;
  const waiting = expected && budgetWait(config.config, snapshot, decision, expected, deps.now());
  if (waiting)
    context.log.info(`release.published ${tag}: shown waiting ${expected.waitMs} ms for the write budget`);
  // Shown right after the claim, ahead of the queued writes; the pipeline then starts in that check run.
  await applyWithGates(context, deps, gw, config.config, snapshot, decision, context.log, {
    ...(waiting ? { first: { check: waiting, priority: withWritePriority } } : {}),
  });
}
