/**
 * A tiny service for end-to-end tests: it exposes `http_requests_total{version, code}` counters in the
 * Prometheus text format on /metrics, and /health for smoke tests. Each `version` (a group of hosts, e.g. the
 * canary and the baseline) serves about `requestsPerSecond` requests with an error ratio the test sets at run
 * time. The counters advance with the wall clock at every scrape, with seeded noise, so `rate()` over them
 * looks like real traffic and a test run is reproducible.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface MetricsService {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** host:port, for a Prometheus scrape config. */
  address: string;
  setErrorRatio(version: string, ratio: number): void;
  setHealthy(healthy: boolean): void;
  /** How many times /metrics has been read. */
  scrapes(): number;
  /** Resolves once /metrics has been read `count` more times (e.g. Prometheus has seen a change). */
  waitForScrapes(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface MetricsServiceOptions {
  /** Error ratio (0..1) per version label. */
  versions: Record<string, number>;
  requestsPerSecond?: number;
  /** Relative noise on each scrape's traffic, e.g. 0.2 for ±20%. */
  noise?: number;
  seed?: number;
}

/** mulberry32: a small seeded PRNG, so noisy traffic is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Counters {
  ratio: number;
  ok: number;
  errors: number;
}

export async function startMetricsService(options: MetricsServiceOptions): Promise<MetricsService> {
  const rps = options.requestsPerSecond ?? 100;
  const noise = options.noise ?? 0.2;
  const random = prng(options.seed ?? 42);
  const jitter = () => 1 + noise * (2 * random() - 1);
  const versions = new Map<string, Counters>(
    Object.entries(options.versions).map(([v, ratio]) => [v, { ratio, ok: 0, errors: 0 }]),
  );
  let last = Date.now();
  let healthy = true;
  let scrapeCount = 0;
  const waiters: { target: number; resolve: () => void }[] = [];

  const advance = () => {
    const now = Date.now();
    const seconds = (now - last) / 1000;
    last = now;
    for (const c of versions.values()) {
      const requests = rps * seconds * jitter();
      const errors = Math.min(requests, requests * c.ratio * jitter());
      c.errors += errors;
      c.ok += requests - errors;
    }
  };

  const server: Server = createServer((req, res) => {
    if (req.url === "/metrics") {
      advance();
      const lines = ["# HELP http_requests_total Requests served.", "# TYPE http_requests_total counter"];
      for (const [version, c] of versions) {
        lines.push(`http_requests_total{version="${version}",code="200"} ${c.ok.toFixed(3)}`);
        lines.push(`http_requests_total{version="${version}",code="500"} ${c.errors.toFixed(3)}`);
      }
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(`${lines.join("\n")}\n`);
      scrapeCount++;
      for (const w of waiters.filter((w) => scrapeCount >= w.target)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      return;
    }
    if (req.url?.startsWith("/health")) {
      res.writeHead(healthy ? 200 : 503, { "content-type": "text/plain" });
      res.end(healthy ? "ok" : "unhealthy");
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    setErrorRatio(version, ratio) {
      advance();
      const c = versions.get(version);
      if (!c) versions.set(version, { ratio, ok: 0, errors: 0 });
      else c.ratio = ratio;
    },
    setHealthy(value) {
      healthy = value;
    },
    scrapes: () => scrapeCount,
    waitForScrapes(count, timeoutMs = 15_000) {
      const target = scrapeCount + count;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${count} scrapes within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          target,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
