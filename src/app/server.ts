// The production entry (`npm start`): `probot run` cannot be given a custom Octokit class, so this runs the
// same App through Probot's `run` with Shipline's retry/throttling policy. Reads the same environment
// variables as `probot run` (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, REDIS_URL, GHE_HOST, PORT, LOG_LEVEL, ...).
import { run } from "probot";
import app from "./index.js";
import { shiplineOctokit } from "./octokit.js";

const server = await run(app, { Octokit: shiplineOctokit() });

// Orchestrators stop containers with SIGTERM: finish in-flight requests, then exit.
process.once("SIGTERM", () => {
  server.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
