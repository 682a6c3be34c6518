import type { Probot } from "probot";
import { CONFIG_PATH } from "../../config/index.js";
import { type GitHubClient, statusOf } from "../../github/client.js";
import { EnvironmentsGateway } from "../../github/environments.js";
import {
  desiredEnvironments,
  type EnvironmentRead,
  environmentReport,
  type Failure,
  type Outcome,
  planEnvironments,
} from "../../pipeline/environment-plan.js";
import type { AppDeps } from "../deps.js";
import { gatewayFor } from "../gateway-for.js";
import { readConfig } from "../load-config.js";

/**
 * A push to the default branch that changes .github/shipline.yml, with `gates.environments.sync: true`:
 * Shipline brings the environments its stages name to the configured settings and reports what it did in a
 * `shipline / environments` check run. One environment's error never stops the others.
 */
export function registerEnvironmentSync(app: Probot, deps: AppDeps): void {
  app.on("push", async (context) => {
    const { payload } = context;
    if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
    const changed = new Set(payload.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]));
    if (!changed.has(CONFIG_PATH) || payload.deleted || !payload.head_commit) return;
    const gw = gatewayFor(context, deps);
    const sha = payload.head_commit.id;
    const read = await readConfig(gw, sha);
    if (!read?.result.ok) return; // an invalid config is reported by `shipline / config`
    const desired = desiredEnvironments(read.result.config);
    if (desired.length === 0) return;

    const appId = Number(deps.env.APP_ID) || undefined;
    const envs = new EnvironmentsGateway(context.octokit as unknown as GitHubClient, gw.repo, appId);
    const current: Record<string, EnvironmentRead> = {};
    for (const { environment } of desired) {
      current[environment] = await envs
        .read(environment)
        .catch((error: unknown) => ({ error: failure(error) }));
    }
    const plan = planEnvironments(desired, current);
    const outcomes: Outcome[] = [];
    const notCreated = new Set<string>();
    for (const change of plan.changes) {
      if (notCreated.has(change.environment)) {
        outcomes.push({ ok: false, failure: { message: "skipped: the environment could not be created" } });
        continue;
      }
      try {
        await envs.apply(change);
        outcomes.push({ ok: true });
      } catch (error) {
        context.log.warn(`environment sync: ${change.environment}: ${change.kind} failed: ${String(error)}`);
        outcomes.push({ ok: false, failure: failure(error) });
        if (change.kind === "create") notCreated.add(change.environment);
      }
    }
    await gw.createCheck(sha, environmentReport(plan, outcomes));
  });
}

function failure(error: unknown): Failure {
  const data = (error as { response?: { data?: { message?: unknown } } } | null)?.response?.data;
  const message =
    typeof data?.message === "string" ? data.message : error instanceof Error ? error.message : String(error);
  const status = statusOf(error);
  return status === undefined ? { message } : { status, message };
}
