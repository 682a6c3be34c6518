import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";

export const HEALTH_PATH = "/healthz";

/**
 * `GET /healthz` for load balancers and orchestrators: 200 with the version as long as the process serves
 * HTTP. The App keeps no state, so there is nothing else to be unhealthy about; GitHub and Redis outages show
 * up as retries and visible check-run errors, not as a dead replica (restarting would not help).
 */
export function healthHandler(version: string, started = new Date()) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== HEALTH_PATH || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const body = JSON.stringify({
      status: "ok",
      version,
      uptimeSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

/** The App's version from package.json (two folders up from both src/app and the built lib/app). */
export function appVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === "string" ? version : "unknown";
  } catch {
    return "unknown";
  }
}
