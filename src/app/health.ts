import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";

export const HEALTH_PATH = "/healthz";
export const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/** What an operator needs to know to receive GitHub's webhooks: printed at startup and served on /healthz. */
export interface SelfCheck {
  /** Where GitHub must send webhooks (the App's public base URL + the webhook path), if it is known. */
  webhookUrl?: string;
  /** The App's public base URL (SHIPLINE_PUBLIC_URL without a trailing slash). */
  publicUrl?: string;
  /** A webhook proxy (smee.io channel) forwarding GitHub's deliveries to this process, if one is set. */
  webhookProxy?: string;
  appId: boolean;
  privateKey: boolean;
  webhookSecret: boolean;
  /** Whether the public URL answered from here (undefined: not checked yet, or nothing to check). */
  reachable?: { ok: boolean; detail: string };
  /** What is missing or wrong, each with what to do. Empty: ready. */
  problems: string[];
}

/** Reads the self-check from the environment `npm start` runs with; never throws. */
export function selfCheck(env: NodeJS.ProcessEnv): SelfCheck {
  const problems: string[] = [];
  const path = env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH;
  let webhookUrl: string | undefined;
  let publicUrl: string | undefined;
  const base = env.SHIPLINE_PUBLIC_URL?.trim();
  if (base) {
    try {
      const url = new URL(base);
      if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http(s)");
      publicUrl = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
      webhookUrl = `${publicUrl}${path}`;
    } catch {
      problems.push(
        `SHIPLINE_PUBLIC_URL=${base} is not an http(s) URL: set it to the App's public base URL, e.g. https://shipline.example.com`,
      );
    }
  }
  const webhookProxy = env.WEBHOOK_PROXY_URL?.trim() || undefined;
  const appId = Boolean(env.APP_ID?.trim());
  const privateKey = Boolean(env.PRIVATE_KEY?.trim() || env.PRIVATE_KEY_PATH?.trim());
  const webhookSecret = Boolean(env.WEBHOOK_SECRET?.trim());
  if (!webhookUrl && !webhookProxy && !problems.length)
    problems.push(
      "no webhook URL: set SHIPLINE_PUBLIC_URL to the App's public base URL (GitHub posts to <base>" +
        `${path}), or WEBHOOK_PROXY_URL to a smee.io channel for a local trial (docs/setup.md)`,
    );
  if (!appId)
    problems.push(
      "APP_ID is missing: register the App (open this server in a browser) or copy it from the App's settings",
    );
  if (!privateKey)
    problems.push(
      "PRIVATE_KEY (or PRIVATE_KEY_PATH) is missing: generate a private key in the App's settings",
    );
  if (!webhookSecret)
    problems.push(
      "WEBHOOK_SECRET is missing: set the same secret as in the App's settings, or deliveries are refused",
    );
  return {
    ...(webhookUrl ? { webhookUrl } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    ...(webhookProxy ? { webhookProxy } : {}),
    appId,
    privateKey,
    webhookSecret,
    problems,
  };
}

const yesNo = (v: boolean) => (v ? "set" : "MISSING");

/** The one startup line (and the lines after it) that say whether webhooks can arrive. */
export function selfCheckText(check: SelfCheck): string {
  const where = check.webhookProxy
    ? `webhook proxy ${check.webhookProxy}${check.webhookUrl ? ` (public URL ${check.webhookUrl} not used while a proxy is set)` : ""}`
    : `webhook URL ${check.webhookUrl ?? "UNKNOWN"}`;
  const reach = check.reachable
    ? `, ${check.reachable.ok ? "reachable" : "NOT reachable"} (${check.reachable.detail})`
    : "";
  const line = `Shipline self-check: ${where}${reach}; app id ${yesNo(check.appId)}, private key ${yesNo(check.privateKey)}, webhook secret ${yesNo(check.webhookSecret)}`;
  return [`${line}${check.problems.length ? "" : " — ready"}`, ...check.problems.map((p) => `  - ${p}`)].join(
    "\n",
  );
}

/**
 * `GET /healthz` for load balancers and orchestrators: 200 with the version as long as the process serves
 * HTTP, plus the self-check (webhook URL, which credentials are set, never their values). The App keeps no
 * state, so there is nothing else to be unhealthy about; GitHub and Redis outages show up as retries and
 * visible check-run errors, not as a dead replica (restarting would not help).
 */
export function healthHandler(
  version: string,
  started = new Date(),
  check: () => SelfCheck = () => recorded() ?? selfCheck(process.env),
) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== HEALTH_PATH || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const body = JSON.stringify({
      status: "ok",
      version,
      uptimeSeconds: Math.round((Date.now() - started.getTime()) / 1000),
      selfCheck: check(),
    });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

// On globalThis, not in this module: lib/app/server.js and lib/app/index.js are bundled separately.
const KEY = Symbol.for("shipline.selfCheck");
const recorded = () => (globalThis as Record<symbol, SelfCheck | undefined>)[KEY];

/** server.ts records the check (with its reachability result) here, so /healthz serves what the log said. */
export function recordSelfCheck(check: SelfCheck): void {
  (globalThis as Record<symbol, SelfCheck | undefined>)[KEY] = check;
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
