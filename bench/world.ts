// A GitHub stand-in whose every HTTP request is recorded with who made it (the App's installation token, the App's
// JWT, the Action's GITHUB_TOKEN, or nobody: asset storage), the real Shipline App running in-process behind
// Probot's node middleware, and a workflow runner that runs the real Action bundle. Used by the API cost section.
import { createHash, createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { build } from "esbuild";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { appMain } from "../src/app/main.js";
import { releaseAssets } from "../tools/e2e/assets.js";
import { runnerNode } from "../tools/e2e/world.js";
import { findOperation } from "../tools/standin/openapi/operations.js";
import { runDeployJob } from "../tools/standin/runner.js";
import { handle } from "../tools/standin/server.js";
import { Standin, type WorkflowJob } from "../tools/standin/standin.js";
import type { Environment, Release, RepoState } from "../tools/standin/state.js";

export const ROOT = resolve(import.meta.dirname, "..");
export const APP_ID = 1234;
export const SECRET = "bench-webhook-secret";
export const CONFIG_PATH = ".github/shipline.yml";

export type Caller = "app" | "app-jwt" | "action" | "storage" | "other";

export interface Call {
  caller: Caller;
  method: string;
  /** Method + OpenAPI path template, e.g. "GET /repos/{owner}/{repo}/releases/tags/{tag}". */
  endpoint: string;
  status: number;
  /** What the caller was doing: the webhook delivery the App was handling, or the Action run. */
  during: string;
  /** When the stand-in's front received the request and finished answering it (performance.now(), ms). */
  start?: number;
  end?: number;
  /** Which client made it: a short hash of its credential (two Probot instances hold two installation tokens). */
  client?: string;
}

let key: string | undefined;
export function privateKey(): string {
  key ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return key;
}

/** The App as Probot runs it in production, pointed at `apiUrl`; retries off so a count is a count. */
export function benchProbot(apiUrl: string, throttle = false): Probot {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: privateKey(),
    secret: SECRET,
    baseUrl: apiUrl,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: Record<string, any>) => ({
      ...o,
      baseUrl: apiUrl,
      retry: { enabled: false },
      throttle: { ...(o.throttle as object), enabled: throttle },
      ...(o.auth?.request
        ? { auth: { ...o.auth, request: o.auth.request.defaults({ baseUrl: apiUrl }) } }
        : {}),
    })),
  });
  return probot;
}

export const shiplineApp = (app: Probot) =>
  appMain(app, {
    now: () => new Date(),
    fetch: globalThis.fetch,
    env: { APP_ID: String(APP_ID), APP_SLUG: "shipline" },
  });

/** Serves a Probot instance's webhook endpoint on loopback; `onDelivery` sees each delivery before the App. */
export async function serveProbot(
  probot: Probot,
  appFn: (app: Probot) => void,
  onDelivery?: (event: string, payload: Buffer) => (() => void) | undefined,
): Promise<{ server: Server; url: string }> {
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server = createServer((req, res) => {
    if (!onDelivery) return void middleware(req, res);
    // Peek at the body to label the delivery, then hand a replayed request to Probot.
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const done = onDelivery(String(req.headers["x-github-event"]), raw);
      res.on("finish", () => done?.());
      const replay = Object.assign(Readable.from([raw]), {
        headers: req.headers,
        method: req.method,
        url: req.url,
      }) as unknown as IncomingMessage;
      void middleware(replay, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/api/github/webhooks` };
}

/** Bundles action/src with the options of `npm run build:action` into `dir` (the committed dist may be mid-rebuild). */
export async function bundleAction(dir: string): Promise<string> {
  const out = join(dir, "action", "index.mjs");
  await build({
    entryPoints: [join(ROOT, "action/src/main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    outfile: out,
    legalComments: "none",
    logLevel: "error",
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return out;
}

export interface CountingWorld {
  root: string;
  targets: string;
  standin: Standin;
  repo: RepoState;
  calls: Call[];
  actionRuns: { job: WorkflowJob; exitCode: number; output: string }[];
  publish(tag: string): Promise<Release>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  config: (targets: string) => string;
  environments?: Record<string, Partial<Omit<Environment, "id" | "name" | "createdAt">>>;
  bundle: string;
}

function callerOf(s: Standin, req: IncomingMessage, path: string): Caller {
  if (path.startsWith("/_downloads/") || /\/releases\/download\//.test(path)) return "storage";
  const [scheme, credential] = (req.headers.authorization ?? "").split(/\s+/, 2);
  if (!credential) return "other";
  if (/^bearer$/i.test(scheme ?? "") && credential.split(".").length === 3) return "app-jwt";
  const actor = s.tokens.get(credential);
  if (!actor) return "other";
  return actor.login === "github-actions[bot]" ? "action" : "app";
}

export async function startCountingWorld(options: WorldOptions): Promise<CountingWorld> {
  const root = mkdtempSync(join(tmpdir(), "shipline-bench-api-"));
  const targets = join(root, "targets");
  mkdirSync(targets);
  const calls: Call[] = [];
  const actionRuns: CountingWorld["actionRuns"] = [];
  let appDuring = "idle";
  const actionDuring = new Map<string, string>(); // token -> label

  const runner = async (job: WorkflowJob) => {
    actionDuring.set(job.token, `action: ${job.displayTitle}`);
    const result = await runDeployJob(job, {
      root,
      config: standin.repo().files.get(CONFIG_PATH) ?? "",
      ...(options.bundle ? { bundle: options.bundle } : {}),
      node: runnerNode(),
    });
    actionRuns.push({ job, exitCode: result.exitCode, output: `${result.stdout}${result.stderr}` });
    // The job's output too: the stand-in turns its workflow commands into the job's annotations (the verdict).
    return {
      conclusion: result.exitCode === 0 ? ("success" as const) : ("failure" as const),
      output: result.stdout,
    };
  };

  const standin = new Standin({
    repo: "acme/web",
    webhookSecret: SECRET,
    appId: APP_ID,
    runner,
    protectionTimeoutMs: 60_000,
  });
  let lastActionLabel = "action";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", standin.urls.html);
    const method = (req.method ?? "GET").toUpperCase();
    const caller = callerOf(standin, req, url.pathname);
    const credential = (req.headers.authorization ?? "").split(/\s+/, 2)[1] ?? "";
    const op = findOperation(method, url.toString());
    const endpoint =
      caller === "storage" ? `${method} <asset storage>` : `${method} ${op?.template ?? url.pathname}`;
    const during =
      caller === "action"
        ? (actionDuring.get(credential) ?? "action")
        : caller === "storage"
          ? lastActionLabel
          : appDuring;
    if (caller === "action") lastActionLabel = during;
    const start = performance.now();
    res.on("finish", () =>
      calls.push({
        caller,
        method,
        endpoint,
        status: res.statusCode,
        during,
        start,
        end: performance.now(),
        client: createHash("sha256").update(credential).digest("hex").slice(0, 8),
      }),
    );
    handle(standin, req, res).catch((err: unknown) => {
      standin.violation(`stand-in crashed: ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  const html = `http://127.0.0.1:${port}`;
  standin.urls = { api: `${html}/api/v3`, html };
  const repo = standin.repo();
  standin.setFile(CONFIG_PATH, options.config(targets));
  for (const [name, settings] of Object.entries(options.environments ?? {}))
    standin.setEnvironment(name, settings);

  const probot = benchProbot(standin.urls.api);
  const app = await serveProbot(probot, shiplineApp, (event, raw) => {
    const payload = JSON.parse(raw.toString("utf8")) as Record<string, any>;
    const title =
      payload.workflow_run?.display_title ??
      payload.release?.tag_name ??
      (payload.environment ? `${payload.environment} ${payload.deployment?.ref ?? ""}` : "");
    const state = payload.deployment_status?.state ? ` ${payload.deployment_status.state}` : "";
    appDuring = `${event}.${payload.action ?? ""}${state}: ${title}`;
    return () => {
      appDuring = "idle";
    };
  });
  standin.options.webhookUrl = app.url;

  return {
    root,
    targets,
    standin,
    repo,
    calls,
    actionRuns,
    async publish(tag) {
      const release = standin.createRelease({
        tag,
        assets: releaseAssets(root, tag),
        author: { login: "github-actions[bot]", id: 41898282, type: "Bot" },
      });
      await standin.deliverRelease(release, "published");
      return release;
    },
    async settle() {
      for (;;) {
        const before = calls.length + standin.deliveries.length;
        await standin.settled();
        await new Promise((r) => setTimeout(r, 200));
        await standin.settled();
        if (calls.length + standin.deliveries.length === before) return;
      }
    },
    async stop() {
      await standin.settled().catch(() => undefined);
      app.server.closeAllConnections();
      app.server.close();
      server.closeAllConnections();
      server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Signs a webhook body as GitHub does. */
export function sign(raw: string): string {
  return `sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}`;
}
export const deliveryId = () => randomUUID();
