// The real App, run in the test's process instead of a child process, for end-to-end tests that must move the App's
// clock (a 48h bake in seconds). Everything is the production wiring (Probot's Server, Shipline's octokit with its
// retry and write-pacing policy, `appMain` with every handler) except `deps.now`, the one seam: the App reads the
// time only through it. It talks to the stand-in over HTTP like the App processes of app.ts. Stopping it and
// starting another (fresh Probot, fresh deps, fresh octokit caches) is a restart: nothing carries over.
import { Probot, Server } from "probot";
import { defaultDeps } from "../../src/app/deps.js";
import { appMain } from "../../src/app/main.js";
import { shiplineOctokit } from "../../src/app/octokit.js";
import { httpFetch } from "../standin/http-fetch.js";
import { freePort, generatePrivateKey, type RunningApp } from "./app.js";

export interface InProcessAppOptions {
  githubUrl: string;
  appId: number;
  webhookSecret: string;
  privateKey?: string;
  /** The App's clock. */
  now: () => Date;
  /** Least time between two writes (Shipline's pacing; production default 1000 ms). */
  writeSpacingMs?: number;
}

export async function startInProcessApp(options: InProcessAppOptions): Promise<RunningApp> {
  const port = await freePort();
  const baseUrl = `${options.githubUrl}/api/v3`;
  const Octokit = shiplineOctokit({
    ...(options.writeSpacingMs !== undefined ? { writeSpacingMs: options.writeSpacingMs } : {}),
  }).defaults((o: Record<string, unknown>) => {
    // A Probot built in a test does not carry baseUrl to the installation-token request (TOOLCHAIN.md). Requests
    // go over node:http: under vitest, nock's patched fetch breaks requests with a body to a real server.
    const auth = o.auth as { request?: { defaults(d: object): unknown } } | undefined;
    const request = { ...(o.request as object | undefined), fetch: httpFetch };
    return {
      ...o,
      baseUrl,
      request,
      ...(auth?.request
        ? { auth: { ...auth, request: auth.request.defaults({ baseUrl, request: { fetch: httpFetch } }) } }
        : {}),
    };
  });
  const server = new Server({
    Probot: Probot.defaults({
      appId: options.appId,
      privateKey: options.privateKey ?? generatePrivateKey(),
      secret: options.webhookSecret,
      baseUrl,
      Octokit,
      // Probot logs to stdout; warnings and errors only, so a long test stays readable.
      logLevel: "warn",
    }),
    host: "127.0.0.1",
    port,
  });
  await server.load((app) =>
    appMain(app, {
      ...defaultDeps(),
      now: options.now,
      fetch: httpFetch as typeof fetch,
      env: { ...process.env },
    }),
  );
  await server.start();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    log: () => "(in-process App: warnings and errors are on stdout)",
    stop: async () => {
      await server.stop();
    },
  };
}
