// The production entry (`npm start`): `probot run` cannot be given a custom Octokit class, so this runs the
// same App through Probot's `run` with Shipline's retry/throttling policy. Reads the same environment
// variables as `probot run` (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, REDIS_URL, GHE_HOST, PORT, LOG_LEVEL,
// WEBHOOK_PROXY_URL, ...) plus SHIPLINE_PUBLIC_URL, the App's public base URL (docs/setup.md), and
// SHIPLINE_CLOCK_INTERVAL, the in-process clock's period (default 60 s, 0 = off; docs/operations.md).
import { existsSync } from "node:fs";
import { type ApplicationFunctionOptions, type Probot, run } from "probot";
import { probotSource, sweep } from "./clock/sweep.js";
import { clockIntervalFrom, type RunningClock, startClock } from "./clock/timer.js";
import { defaultDeps } from "./deps.js";
import { HEALTH_PATH, recordSelfCheck, type SelfCheck, selfCheck, selfCheckText } from "./health.js";
import app from "./index.js";
import { shiplineOctokit } from "./octokit.js";

// Probot reads .env inside `run`; read it first so the self-check below sees the same values.
if (existsSync(".env")) process.loadEnvFile(".env");
const check = selfCheck(process.env);
const setupMode = !check.appId || !check.privateKey;
const clockEvery = clockIntervalFrom(process.env.SHIPLINE_CLOCK_INTERVAL);
if (!clockEvery.ok) {
  console.error(`shipline: ${clockEvery.error}`);
  process.exit(1);
}

// The server gets the environment as it is; in setup mode the registration page (Probot's manifest, which
// reads WEBHOOK_PROXY_URL when it renders) is told the public webhook URL, so GitHub registers a live one.
const env = { ...process.env };
if (setupMode && check.webhookUrl && !check.webhookProxy) process.env.WEBHOOK_PROXY_URL = check.webhookUrl;

// The Probot instance the App was loaded into: the in-process clock authenticates with it (as the App, then as
// each installation), like the handlers do.
let probot: Probot | undefined;
const server = await run(
  (instance: Probot, options: ApplicationFunctionOptions) => {
    probot = instance;
    app(instance, options);
  },
  { Octokit: shiplineOctokit(), env },
);

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

// The in-process clock: waiting stages are looked at every SHIPLINE_CLOCK_INTERVAL, rebuilt from GitHub's
// records each time (a restart or a second replica loses nothing; claims make each wake-up happen once).
let clock: RunningClock | undefined;
if (!setupMode && probot && clockEvery.ms > 0) {
  const source = probotSource(probot);
  const deps = defaultDeps();
  const log = probot.log.child({ name: "shipline-clock" });
  clock = startClock({
    intervalMs: clockEvery.ms,
    log,
    sweep: async () => void (await sweep(source, deps, log, clockEvery.ms)),
  });
}

// Orchestrators stop containers with SIGTERM: finish in-flight requests (and a clock sweep), then exit.
process.once("SIGTERM", () => {
  Promise.all([server.stop(), clock?.stop()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
