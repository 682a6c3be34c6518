import type { Marker } from "../../../src/config/schema/markers.js";
import type { Notify } from "../../../src/config/schema/notify.js";
import { postMarkers } from "../../../src/markers/send.js";
import { eventName, type NotifyOutcome, type ReleaseEvent } from "../../../src/notify/event.js";
import type { RetryOptions } from "../../../src/notify/retry.js";
import { type Delivery, type Fetch, notify } from "../../../src/notify/send.js";
import { stageCoverage } from "../../../src/pipeline/coverage.js";
import { planStage } from "../../../src/rollout/plan.js";
import type { ModeContext, ModeResult } from "../context.js";

export interface AnnounceDeps {
  fetch: Fetch;
  /** Hides a secret value from the job log (core.setSecret). */
  mask: (value: string) => void;
  now?: () => Date;
  retry?: RetryOptions;
}

/** Every secret the notify and marker config names, so their values are masked before anything is sent. */
function secretNames(notifyConfig: Notify, markers: readonly Marker[]): string[] {
  const names = [
    ...(notifyConfig.slack ? [notifyConfig.slack["webhook-secret"]] : []),
    ...notifyConfig.webhooks.flatMap((w) => [w.secret, ...(w["url-secret"] ? [w["url-secret"]] : [])]),
    ...markers.flatMap((m) =>
      m.type === "grafana"
        ? [m["token-secret"]]
        : m.type === "template"
          ? Object.values(m["header-secrets"])
          : [m["api-key-secret"]],
    ),
  ];
  return [...new Set(names)];
}

function runUrl(env: NodeJS.ProcessEnv): string | null {
  const {
    GITHUB_SERVER_URL: server = "https://github.com",
    GITHUB_REPOSITORY: repo,
    GITHUB_RUN_ID: id,
  } = env;
  return repo && id ? `${server}/${repo}/actions/runs/${id}` : null;
}

function parseTargets(json: string | undefined): string[] {
  try {
    const value: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

function plannedTargets(context: ModeContext): string[] {
  if (context.inputs.mode === "rollback" || !context.inputs.release) return [];
  try {
    return planStage(context.pipeline, context.stage, context.inputs.release).waves.flatMap((w) =>
      w.targets.map((t) => t.name),
    );
  } catch {
    return [];
  }
}

function warnFailures(context: ModeContext, what: string, deliveries: Delivery[]): void {
  for (const d of deliveries)
    if (!d.ok)
      context.log.warning(
        `${what} to ${d.destination} failed after ${d.attempts} attempt(s): ${d.error}; the deploy goes on`,
      );
}

/**
 * Runs a mode between a "started" and a "finished" notification, and records deployment markers after a
 * successful rollout or rollback. Notifications and markers never change the step's result: failures are
 * retried with backoff, then logged as warnings.
 */
export async function announce(
  context: ModeContext,
  deps: AnnounceDeps,
  work: () => Promise<ModeResult>,
): Promise<ModeResult> {
  const { inputs, pipeline, stage, env } = context;
  const now = deps.now ?? (() => new Date());
  const quiet =
    pipeline.notify.webhooks.length === 0 && !pipeline.notify.slack && pipeline.markers.length === 0;
  if (quiet) return work();
  for (const name of secretNames(pipeline.notify, pipeline.markers)) {
    const value = env[name];
    if (value) deps.mask(value);
  }
  const release = inputs.release || inputs.from;
  const event = (outcome: NotifyOutcome, targets: string[], message: string | null): ReleaseEvent => ({
    event: eventName(inputs.mode, outcome),
    release,
    stage: stage.name,
    environment: stage.environment,
    mode: inputs.mode,
    outcome,
    targets,
    environment_targets: stageCoverage(pipeline, stage, release).total,
    at: now().toISOString(),
    run_url: runUrl(env),
    pipeline: pipeline.name,
    message,
    from: inputs.from || null,
  });
  const sendDeps = { env, fetch: deps.fetch, ...(deps.retry ? { retry: deps.retry } : {}) };
  const safely = async (what: string, send: () => Promise<Delivery[]>) => {
    try {
      warnFailures(context, what, await send());
    } catch (error) {
      context.log.warning(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  await safely("notification", () =>
    notify(pipeline.notify, event("started", plannedTargets(context), inputs.reason || null), sendDeps),
  );
  let result: ModeResult;
  try {
    result = await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await safely("notification", () => notify(pipeline.notify, event("failure", [], message), sendDeps));
    throw error;
  }
  const targets = parseTargets(result.outputs.targets);
  await safely("notification", () =>
    notify(pipeline.notify, event(result.ok ? "success" : "failure", targets, result.message), sendDeps),
  );
  if (result.ok && inputs.mode !== "verify" && pipeline.markers.length) {
    const version = result.outputs.version || release;
    await safely("deployment marker", () =>
      postMarkers(
        pipeline.markers,
        {
          version,
          stage: stage.name,
          environment: stage.environment,
          pipeline: pipeline.name,
          targets,
          mode: inputs.mode === "rollback" ? "rollback" : "rollout",
          ...(inputs.from ? { from: inputs.from } : {}),
          at: now(),
          run_url: runUrl(env),
          ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
        },
        sendDeps,
      ),
    );
  }
  return result;
}
