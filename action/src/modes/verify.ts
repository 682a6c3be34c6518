import { laterRoundChecks, parseRoundReason } from "../../../src/pipeline/bake.js";
import { planStage } from "../../../src/rollout/plan.js";
import { verifyStage } from "../../../src/verify/index.js";
import {
  MAX_REPORT_CHARS,
  VERIFY_FAILED,
  VERIFY_INCONCLUSIVE,
  VERIFY_REPORT,
} from "../../../src/verify/outcome.js";
import { runCommandCheck } from "../../../src/verify/providers/command.js";
import { runWorkflowCheck } from "../../../src/verify/providers/workflow.js";
import type { ModeContext, ModeResult } from "../context.js";
import { previousRelease } from "../previous.js";

/**
 * Verifies a stage after its rollout: the stage's `verify` checks, every `interval` for the stage's `bake` as the
 * caller hands it (the rollout hands no bake when the App keeps time), on the targets the rollout chose (the same
 * seeded plan). Mode `verify` (a bake's round, dispatched by the App's clock with reason "round k of N") runs
 * exactly ONE round and ends; its later rounds skip `command` and `workflow` checks without `every-round`.
 * Passed succeeds; failed, inconclusive or error fails the step.
 */
export async function verify(context: ModeContext): Promise<ModeResult> {
  const { inputs, pipeline, log } = context;
  const one = inputs.mode === "verify";
  const round = one ? parseRoundReason(inputs.reason) : undefined;
  const stage = one
    ? {
        ...context.stage,
        bake: undefined,
        verify: round && round.k > 0 ? laterRoundChecks(pipeline, context.stage) : context.stage.verify,
      }
    : context.stage;
  if (one)
    log.info(
      `one verification round of ${inputs.release} in ${stage.name}${round ? ` (round ${round.k} of ${round.total} of the bake)` : ""}: ${stage.verify.join(", ") || "no checks"}`,
    );
  const targets = planStage(pipeline, context.stage, inputs.release).waves.flatMap((w) => w.targets);
  const now = () => Date.now();
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const info = (line: string) => log.info(line);
  const result = await verifyStage({
    tests: {
      // Test commands run in the workspace; their output goes to the job log.
      command: (call) => runCommandCheck({ cwd: context.workspace, env: context.env, log: info }, call),
      workflow: (call) =>
        runWorkflowCheck(
          {
            apiUrl: context.endpoint.apiUrl,
            repository: context.endpoint.repository,
            token: context.endpoint.token ?? "",
            fetch: (url, init) => context.endpoint.fetch(url, init),
            now,
            sleep,
            log: info,
          },
          call,
        ),
    },
    pipeline,
    stage,
    release: inputs.release,
    targets,
    env: context.env,
    fetch: (url, init) => context.endpoint.fetch(url, init),
    now,
    sleep,
    onRound: (round) => log.info(`verification round ${round.index}: ${round.results.length} results`),
  });
  // The rounds, for the stage's check run: the App reads this notice from the job's annotations.
  log.notice(result.summaryMarkdown.slice(0, MAX_REPORT_CHARS), VERIFY_REPORT);
  // A bake's round that failed rolls the stage back: its verdict names where to (a rollout's names it already).
  const previous =
    one && result.outcome === "failed"
      ? await previousRelease(context.github, context.stage.environment, [inputs.release]).catch(
          () => undefined,
        )
      : undefined;
  return {
    ...(previous !== undefined ? { previous } : {}),
    ok: result.outcome === "passed",
    ...(result.outcome === "inconclusive"
      ? { failureTitle: VERIFY_INCONCLUSIVE }
      : result.outcome === "passed"
        ? {}
        : { failureTitle: VERIFY_FAILED }),
    message: `verification of ${inputs.release} in ${stage.name}: ${result.outcome}: ${result.reason}`,
    outputs: { version: inputs.release, targets: JSON.stringify(targets.map((t) => t.name)) },
    summary: result.summaryMarkdown,
  };
}
