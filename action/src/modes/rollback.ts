import { previousByHistory } from "../../../src/rollout/drivers/directory.js";
import { previousByHostHistory } from "../../../src/rollout/drivers/ssh.js";
import { planRollback } from "../../../src/rollout/plan.js";
import { inGroup, type ModeContext, type ModeResult } from "../context.js";
import { previousRelease } from "../previous.js";
import { releaseSource } from "../sources.js";
import { deployWaves } from "./deploy.js";

/**
 * Redeploys an earlier release from its stored assets (never a rebuild). `release` names it; when it is empty or
 * is the release being rolled back (`from`), the release before `from` is used: by the targets' own deploy
 * histories when the driver keeps them (directory, ssh) and they agree, else the environment's previous successful
 * release on GitHub. The targets are those the rollout of `from` chose, so a canary rollback touches exactly the
 * canary's hosts.
 */
export async function rollback(context: ModeContext): Promise<ModeResult> {
  const { inputs, stage, github, log } = context;
  let from = inputs.from || null;
  let to = inputs.release && inputs.release !== from ? inputs.release : null;
  if (!from) {
    const current = await previousRelease(github, stage.environment, to ? [to] : []);
    from = current;
  }
  const driver = context.pipeline.driver;
  let chosenBy = "";
  if (!to && from && (driver?.type === "directory" || driver?.type === "ssh")) {
    const targets = planRollback(context.pipeline, stage, from).waves.flatMap((w) => w.targets);
    const answer =
      driver.type === "directory"
        ? await previousByHistory(driver.path, targets, context.workspace, from)
        : await previousByHostHistory(
            {
              spec: driver,
              env: context.env,
              log: (line) => log.info(line),
              ...(context.env.RUNNER_TEMP ? { tempDir: context.env.RUNNER_TEMP } : {}),
            },
            targets,
            from,
          );
    if (answer.ok) {
      to = answer.version;
      chosenBy = `the targets' deploy history: ${to} was current before ${from}`;
    } else chosenBy = `the targets' deploy history does not settle it (${answer.why})`;
  }
  if (!to) {
    to = await previousRelease(github, stage.environment, from ? [from] : []);
    if (chosenBy && to) chosenBy += `; using the environment's previous successful release, ${to}`;
  }
  if (!to)
    throw new Error(
      `no earlier successful release of ${stage.environment} to roll back to${from ? ` from ${from}` : ""}; name one with the \`release\` input`,
    );
  const plan = planRollback(context.pipeline, stage, from ?? to);
  await inGroup(log, "Plan", async () => {
    log.info(`rolling ${stage.environment} back from ${from ?? "(unknown)"} to ${to}`);
    if (chosenBy) log.info(chosenBy);
    if (inputs.reason) log.info(`reason: ${inputs.reason}`);
    log.info(
      `targets: ${plan.waves.flatMap((w) => w.targets.map((t) => `${t.name}@${t.region}`)).join(", ")}`,
    );
  });
  return deployWaves(context, {
    mode: "rollback",
    waves: plan.waves,
    source: releaseSource(context, to),
    previous: from ? { version: from, artifacts: unavailable, tree: unavailable } : null,
  });
}

const unavailable = () => Promise.reject(new Error("a rollback does not redeploy the release it undoes"));
