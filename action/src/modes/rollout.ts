import { planStage } from "../../../src/rollout/plan.js";
import { inGroup, type ModeContext, type ModeResult } from "../context.js";
import { previousRelease } from "../previous.js";
import { rolloutThenVerified } from "../report/headline.js";
import { releaseSource } from "../sources.js";
import { deployWaves } from "./deploy.js";
import { verify } from "./verify.js";

/**
 * Rolls the release out to the stage's targets in waves. Every asset is downloaded and verified (and, for the
 * directory driver, extracted) before the first target is touched, so a refusal changes nothing.
 */
export async function rollout(context: ModeContext): Promise<ModeResult> {
  const { inputs, stage, github, log } = context;
  const tag = inputs.release;
  if (!tag) throw new Error("the `release` input is required: the tag of the release to deploy");
  const release = await github.getReleaseByTag(tag);
  if (release.draft) throw new Error(`${tag} is a draft release; publish it before deploying`);
  // Unknown (undefined) when it cannot be read: the verdict then names none and the App reads it itself.
  let found: { previous?: string | null } = {};
  try {
    found = { previous: await previousRelease(github, stage.environment, [tag]) };
  } catch (error) {
    log.warning(
      `cannot tell which release ${stage.environment} ran before (${error instanceof Error ? error.message : error}); a failed command-driver rollout will not be rolled back`,
    );
  }
  try {
    return { ...(await rollOut(context, release, found.previous ?? null)), ...found };
  } catch (error) {
    // Still the job's verdict, with the previous release it found for the App's rollback.
    return {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      outputs: {},
      ...found,
    };
  }
}

async function rollOut(
  context: ModeContext,
  release: Awaited<ReturnType<ModeContext["github"]["getReleaseByTag"]>>,
  previous: string | null,
): Promise<ModeResult> {
  const { inputs, stage, log } = context;
  const tag = inputs.release;
  const plan = planStage(context.pipeline, stage, tag);
  await inGroup(log, "Plan", async () => {
    log.info(`previous release of ${stage.environment}: ${previous ?? "none"}`);
    for (const w of plan.waves)
      log.info(`wave ${w.index} (${w.label}): ${w.targets.map((t) => `${t.name}@${t.region}`).join(", ")}`);
  });
  const source = releaseSource(context, tag, release);
  await source.artifacts();
  if (context.pipeline.driver?.type === "directory" || context.pipeline.driver?.type === "ssh")
    await source.tree();
  const deployed = await deployWaves(context, {
    mode: "rollout",
    waves: plan.waves,
    source,
    previous: previous ? releaseSource(context, previous) : null,
  });
  // A stage with checks or a bake time is verified in the same job. With the App keeping time (`clearance:
  // required`), the job runs ONE round and ends: the App's clock runs the bake's later rounds as short `verify`
  // jobs. Without the App (`clearance: off`) the job bakes: it verifies every `interval` for the whole `bake`,
  // bounded by the job's timeout. A hotfix (dispatched with reason "hotfix: ...") skips the bake, never the checks.
  const hotfix = context.inputs.reason?.startsWith("hotfix:") ?? false;
  if (!deployed.ok || (stage.verify.length === 0 && (!stage.bake || hotfix))) return deployed;
  if (stage.verify.length === 0 && context.inputs.clearance === "required") return deployed;
  const inJob = !hotfix && context.inputs.clearance === "off";
  const verifying = inJob ? context : { ...context, stage: { ...stage, bake: undefined } };
  const how = hotfix
    ? " (hotfix: no bake)"
    : stage.bake && !inJob
      ? " (round 0; the App keeps the bake)"
      : "";
  const verified = await inGroup(log, `Verify ${stage.name}${how}`, () => verify(verifying));
  return {
    ...verified,
    outputs: { ...deployed.outputs, ...verified.outputs },
    message: `${deployed.message}; ${verified.message}`,
    summary: rolloutThenVerified(deployed, verified),
  };
}
