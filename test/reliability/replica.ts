// Runs the App the way `npm start` does (node lib/app/server.js: Shipline's retry/throttling Octokit) as a
// child process pointed at the GitHub stand-in, and a real Redis server from the Debian package.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startApp } from "../../tools/e2e/app.js";
import { httpFetch } from "../../tools/standin/http-fetch.js";

export const REDIS_SERVER = "/usr/bin/redis-server";
export const REDIS_CLI = "/usr/bin/redis-cli";

export interface Replica {
  url: string;
  webhookUrl: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startReplica(options: {
  githubUrl: string;
  appId: number;
  webhookSecret: string;
  privateKey?: string;
  env?: Record<string, string>;
}): Promise<Replica> {
  return startApp({ ...options, entry: "server" });
}

/** Signs and POSTs a webhook as GitHub does. */
export async function deliver(
  webhookUrl: string,
  secret: string,
  event: string,
  payload: unknown,
  deliveryId = randomUUID(),
): Promise<number> {
  const raw = JSON.stringify(payload);
  const response = await httpFetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`,
    },
    body: raw,
  });
  await response.arrayBuffer();
  return response.status;
}

export interface RedisServer {
  port: number;
  url: string;
  /** Every key in the database (redis-cli --scan). */
  keys(): string[];
  stop(): Promise<void>;
}

/** A throwaway redis-server on a free loopback port: no persistence, its files in a temporary folder. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "shipline-redis-"));
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const cli = (...args: string[]) =>
    execFileSync(REDIS_CLI, ["-p", String(port), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  await waitFor(
    async () => cli("ping") === "PONG",
    child,
    () => output,
  );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    keys: () => cli("--scan").split("\n").filter(Boolean).sort(),
    async stop() {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitFor(ready: () => Promise<boolean>, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}):\n${output()}`);
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`not ready within 30 s:\n${output()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise<void>((done) => child.once("close", () => done()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await closed;
  clearTimeout(timer);
}
