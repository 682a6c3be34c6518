// Builds the real App (`npm run build:app` -> lib/app/) and runs it as `npm start` does (`node lib/app/server.js`:
// Probot with Shipline's retry and rate-limit policy), or under the stock `probot run`, pointed at the GitHub
// stand-in with GHE_HOST, as an operator would run it. Nothing inside the App is mocked.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { httpFetch } from "../standin/http-fetch.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const APP_ENTRY = join(ROOT, "lib/app/index.js");
export const SERVER_ENTRY = join(ROOT, "lib/app/server.js");
const PROBOT_BIN = join(ROOT, "node_modules/probot/bin/probot.js");

let built = false;

/** Rebuilds lib/ once per process (serialised with flock: several test files and engineers build at once). */
export function buildApp(): void {
  if (built) return;
  execFileSync("flock", ["/tmp/shipline-build-app.lock", "npm", "run", "--silent", "build:app"], {
    cwd: ROOT,
    stdio: "pipe",
  });
  built = true;
}

/** A fresh RSA key in PEM (what GitHub hands out when an App is registered). */
export function generatePrivateKey(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface AppOptions {
  /** Stand-in web root, e.g. http://127.0.0.1:PORT. */
  githubUrl: string;
  appId: number;
  webhookSecret: string;
  privateKey?: string;
  /** Extra environment for the App process (e.g. a Prometheus token, REDIS_URL). */
  env?: Record<string, string>;
  /** `server` (default): what `npm start` runs; `probot-run`: Probot's stock runner over the same app. */
  entry?: "server" | "probot-run";
}

export interface RunningApp {
  url: string;
  webhookUrl: string;
  /** Everything the process printed (Probot's JSON log lines). */
  log(): string;
  stop(): Promise<void>;
}

/** Spawns the App on a free port and waits until it answers HTTP. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const port = await freePort();
  const github = new URL(options.githubUrl);
  const args = options.entry === "probot-run" ? [PROBOT_BIN, "run", APP_ENTRY] : [SERVER_ENTRY];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      APP_ID: String(options.appId),
      PRIVATE_KEY: options.privateKey ?? generatePrivateKey(),
      WEBHOOK_SECRET: options.webhookSecret,
      PORT: String(port),
      HOST: "127.0.0.1",
      GHE_HOST: github.host,
      GHE_PROTOCOL: github.protocol.replace(":", ""),
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, () => output);
  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    log: () => output,
    stop: () => stopChild(child),
  };
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`probot run exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await httpFetch(`${url}/`, {});
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`probot run did not listen on ${url} within 30 s:\n${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((done) => child.once("close", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await closed;
  clearTimeout(timer);
}
