// The production entry (`npm start`): `probot run` cannot be given a custom Octokit class, so this runs the
// same App through Probot's `run` with Shipline's retry/throttling policy. Reads the same environment
// variables as `probot run` (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, REDIS_URL, GHE_HOST, PORT, LOG_LEVEL,
// WEBHOOK_PROXY_URL, ...) plus SHIPLINE_PUBLIC_URL, the App's public base URL (docs/setup.md).
import { existsSync } from "node:fs";
import { run } from "probot";
import { HEALTH_PATH, recordSelfCheck, type SelfCheck, selfCheck, selfCheckText } from "./health.js";
import app from "./index.js";
import { shiplineOctokit } from "./octokit.js";

// Probot reads .env inside `run`; read it first so the self-check below sees the same values.
if (existsSync(".env")) process.loadEnvFile(".env");
const check = selfCheck(process.env);
const setupMode = !check.appId || !check.privateKey;

// The server gets the environment as it is; in setup mode the registration page (Probot's manifest, which
// reads WEBHOOK_PROXY_URL when it renders) is told the public webhook URL, so GitHub registers a live one.
const env = { ...process.env };
if (setupMode && check.webhookUrl && !check.webhookProxy) process.env.WEBHOOK_PROXY_URL = check.webhookUrl;

const server = await run(app, { Octokit: shiplineOctokit(), env });

/** Whether the public base URL answers from here (a wrong host or a closed port shows at once). */
async function reachable(publicUrl: string): Promise<SelfCheck["reachable"]> {
  const health = `${publicUrl}${HEALTH_PATH}`;
  try {
    const response = await fetch(health, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.ok
      ? { ok: true, detail: `${health} answered ${response.status}` }
      : { ok: false, detail: `${health} answered ${response.status}: is SHIPLINE_PUBLIC_URL this App?` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      detail: `${health}: ${cause ?? (error instanceof Error ? error.message : String(error))}`,
    };
  }
}

if (setupMode) {
  console.log(
    `${selfCheckText(check)}\n  Setup mode: open this server in a browser to register the App on GitHub${check.webhookUrl ? ` (webhook URL ${check.webhookUrl})` : ""}.`,
  );
} else {
  const done =
    check.publicUrl && !check.webhookProxy
      ? { ...check, reachable: await reachable(check.publicUrl) }
      : check;
  recordSelfCheck(done);
  console.log(selfCheckText(done));
}

// Orchestrators stop containers with SIGTERM: finish in-flight requests, then exit.
process.once("SIGTERM", () => {
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
