/**
 * Starts the real Prometheus server (Debian's package, /usr/bin/prometheus) for a test: a free loopback port,
 * a temporary config and TSDB directory, 1s scrapes of the given targets. Resolves once Prometheus is ready
 * and has scraped every target at least once; `stop()` kills it and removes its files. A process exit hook
 * kills it too if a test dies without calling `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../tools/e2e/app.js";

export interface PrometheusServer {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** Runs an instant query and returns the `data` object of the response. */
  query(promql: string): Promise<{ resultType: string; result: unknown[] }>;
  stop(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** host:port of each target to scrape at /metrics. */
  targets: string[];
  scrapeInterval?: string;
  /** Default: $PROMETHEUS_BIN or /usr/bin/prometheus. */
  binary?: string;
  startTimeoutMs?: number;
}

export function prometheusBinary(explicit?: string): string {
  const binary = explicit ?? process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(
      `Prometheus is not installed at ${binary}. Install Debian's package (apt-get install -y prometheus, which ` +
        "scripts/ensure-test-deps.mjs does) or set PROMETHEUS_BIN.",
    );
  }
  return binary;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of running) c.kill("SIGKILL");
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

async function attempt(
  binary: string,
  dir: string,
  options: StartPrometheusOptions,
): Promise<PrometheusServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1h",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  killOnExit(child);
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.once("error", (error) => {
    exited = error.message;
  });

  const query = async (promql: string) => {
    const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql })}`);
    const json = (await response.json()) as {
      status: string;
      data: { resultType: string; result: unknown[] };
    };
    if (json.status !== "success") throw new Error(`query ${promql} failed: ${JSON.stringify(json)}`);
    return json.data;
  };
  const server: PrometheusServer = { url, query, stop: async () => stopChild(child) };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited) throw new Error(`Prometheus ${exited} before it was ready:\n${log}`);
      if (Date.now() > deadline) throw new Error(`Prometheus was not ready within the timeout:\n${log}`);
      try {
        const ready = await fetch(`${url}/-/ready`);
        if (ready.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    // Ready means the TSDB is open; wait until every target has been scraped once.
    for (;;) {
      if (Date.now() > deadline)
        throw new Error(`Prometheus never scraped ${options.targets.join(", ")}:\n${log}`);
      const up = await query("up == 1");
      if (up.result.length >= options.targets.length) break;
      await sleep(200);
    }
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return server;
}

export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const binary = prometheusBinary(options.binary);
  const dir = await mkdtemp(join(tmpdir(), "shipline-prometheus-"));
  const interval = options.scrapeInterval ?? "1s";
  const config = [
    "global:",
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    "scrape_configs:",
    "  - job_name: service",
    "    static_configs:",
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(", ")}]`,
    "",
  ].join("\n");
  await writeFile(join(dir, "prometheus.yml"), config);
  let lastError: unknown;
  // The free port is free when picked, not necessarily when Prometheus binds it: try a few ports.
  for (let tries = 0; tries < 3; tries++) {
    try {
      const server = await attempt(binary, dir, options);
      return {
        ...server,
        stop: async () => {
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      if (!String(error).includes("address already in use")) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}
