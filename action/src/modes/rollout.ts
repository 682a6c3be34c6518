import { planStage } from "../../../src/rollout/plan.js";
import { inGroup, type ModeContext, type ModeResult } from "../context.js";
import { previousRelease } from "../previous.js";
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
  let previous: string | null = null;
  try {
    previous = await previousRelease(github, stage.environment, [tag]);
  } catch (error) {
    log.warning(
      `cannot tell which release ${stage.environment} ran before (${error instanceof Error ? error.message : error}); a failed command-driver rollout will not be rolled back`,
    );
  }
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
  // A stage with checks or a bake time is verified in the same job: the job, and so the stage's deployment,
  // succeeds only once the release has baked and passed its checks.
  // A hotfix (dispatched with reason "hotfix: ...") skips the bake time, never the checks.
  const hotfix = context.inputs.reason?.startsWith("hotfix:") ?? false;
  if (!deployed.ok || (stage.verify.length === 0 && (!stage.bake || hotfix))) return deployed;
  const verifying = hotfix ? { ...context, stage: { ...stage, bake: undefined } } : context;
  const verified = await inGroup(log, `Verify ${stage.name}${hotfix ? " (hotfix: no bake)" : ""}`, () =>
    verify(verifying),
  );
  return {
    ...verified,
    outputs: { ...deployed.outputs, ...verified.outputs },
    message: `${deployed.message}; ${verified.message}`,
    summary: [deployed.summary, verified.summary].filter(Boolean).join("\n\n"),
  };
}
