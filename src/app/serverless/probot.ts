// The Probot instance every serverless entry uses: configured from the environment exactly as `npm start`
// (src/app/server.ts) configures it (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, REDIS_URL, GHE_HOST, LOG_LEVEL, ...),
// with the same retry and rate-limit policy (shiplineOctokit: retries, throttling, the write budget).
import { createProbot, type Probot } from "probot";
import { shiplineOctokit } from "../octokit.js";

/** Settings a serverless entry cannot work without, named as the operator sets them. */
export function missingSettings(env: NodeJS.ProcessEnv): string[] {
  const missing: string[] = [];
  if (!env.APP_ID) missing.push("APP_ID");
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) missing.push("PRIVATE_KEY (or PRIVATE_KEY_PATH)");
  if (!env.WEBHOOK_SECRET) missing.push("WEBHOOK_SECRET");
  return missing;
}

/**
 * A serverless function has no setup page to fall back to: without credentials it refuses to start, saying
 * which variables to set (a server in setup mode would register the App instead).
 */
export function shiplineProbot(env: NodeJS.ProcessEnv = process.env): Probot {
  const missing = missingSettings(env);
  if (missing.length > 0)
    throw new Error(
      `Shipline cannot start: set ${missing.join(", ")} in the function's environment (see docs/operations.md)`,
    );
  return createProbot({ env, overrides: { Octokit: shiplineOctokit() } });
}
