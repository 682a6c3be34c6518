// Builds a real Probot instance running Shipline's handlers, with retries and throttling off so a failing
// request fails at once (see TOOLCHAIN.md), and a freshly generated private key.
import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import type { AppDeps } from "../../src/app/deps.js";
import { appMain } from "../../src/app/main.js";

export const APP_ID = 12345;
let key: string | undefined;

export function privateKey(): string {
  key ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return key;
}

/** Shipline's handlers on a real Probot built with `Octokit`, the deps tests start from, and `deps` over them. */
export function probotWith(Octokit: typeof ProbotOctokit, deps: Partial<AppDeps> = {}): Probot {
  const probot = new Probot({ appId: APP_ID, privateKey: privateKey(), Octokit, logLevel: "warn" });
  probot.load((app) =>
    appMain(app, {
      now: () => new Date("2026-11-20T10:00:00Z"),
      fetch: globalThis.fetch,
      env: { APP_ID: String(APP_ID) },
      dispatchLookupsMs: [20, 40, 80],
      ...deps,
    }),
  );
  return probot;
}

export function testProbot(deps: Partial<AppDeps> = {}): Probot {
  return probotWith(
    ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...(o.throttle as object), enabled: false },
    })),
    deps,
  );
}
