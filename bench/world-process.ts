// The counting world (GitHub stand-in with its OpenAPI validation, the workflow runner, the App that carries the
// stand-in's own deliveries) in a child process, so a latency bench's process holds only the sender and the app
// under test: the stand-in's CPU is no longer charged to whichever app happens to be measured. The parent drives
// it over IPC (`fork`); request records come back on the parent's clock.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { releaseAssets } from "../tools/e2e/assets.js";
import { threeStages } from "../tools/e2e/configs.js";
import { releasePayload } from "../tools/standin/payloads.js";
import type { Environment } from "../tools/standin/state.js";
import { type Call, type CountingWorld, startCountingWorld } from "./world.js";

// biome-ignore lint/suspicious/noExplicitAny: webhook payloads, read freely by the bench.
type Json = Record<string, any>;

/** Configs the child can build (a function cannot cross the process boundary): name -> config for a targets dir. */
const CONFIGS = { threeStages: (targets: string) => threeStages(targets) } as const;

export interface WorldProcessOptions {
  config: keyof typeof CONFIGS;
  environments?: Record<string, Partial<Omit<Environment, "id" | "name" | "createdAt">>>;
  bundle: string;
}

/** What the parent sees: the world's URLs, and its operations as messages. Calls carry this process's clock. */
export interface RemoteWorld {
  apiUrl: string;
  installationId: number;
  publish(tag: string): Promise<void>;
  settle(): Promise<void>;
  deliveries(): Promise<{ event: string; payload: Json }[]>;
  /** Every request recorded so far (since the last trim); start/end on this process's performance.now(). */
  calls(from?: number): Promise<Call[]>;
  callCount(): Promise<number>;
  /** Forgets recorded calls, requests and deliveries (memory; the counts are per block). */
  trim(): Promise<void>;
  /** A new published release (shared assets, the Action's bot as author) and its release.published payload. */
  newRelease(tag: string): Promise<Json>;
  stop(): Promise<void>;
}

interface Request {
  id: number;
  op: string;
  args: unknown[];
}

const SELF = fileURLToPath(import.meta.url);

export async function startWorldProcess(options: WorldProcessOptions): Promise<RemoteWorld> {
  const child: ChildProcess = fork(SELF, ["--child"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  let next = 0;
  child.on("message", (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.fail(new Error(`world process: ${m.error}`));
    else p.done(m.result);
  });
  child.on("exit", (code) => {
    for (const p of pending.values()) p.fail(new Error(`world process exited (${code})`));
    pending.clear();
  });
  const call = <T>(op: string, ...args: unknown[]) =>
    new Promise<T>((done, fail) => {
      const id = next++;
      pending.set(id, { done: done as (v: unknown) => void, fail });
      child.send({ id, op, args } satisfies Request);
    });
  // The child's clock moved onto ours, NTP-style: its performance.now() against the middle of the quickest of
  // 20 round trips (timeOrigin alone is only as good as the wall clock's millisecond at each start).
  let shift = 0;
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const theirs = await call<number>("now");
    const t1 = performance.now();
    if (t1 - t0 < best) {
      best = t1 - t0;
      shift = (t0 + t1) / 2 - theirs;
    }
  }
  const started = await call<{ apiUrl: string; installationId: number }>("start", options);
  return {
    ...started,
    publish: (tag) => call("publish", tag),
    settle: () => call("settle"),
    deliveries: () => call("deliveries"),
    calls: async (from = 0) =>
      (await call<Call[]>("calls", from)).map((c) => ({
        ...c,
        ...(c.start === undefined ? {} : { start: c.start + shift }),
        ...(c.end === undefined ? {} : { end: c.end + shift }),
      })),
    callCount: () => call("callCount"),
    trim: () => call("trim"),
    newRelease: (tag) => call("newRelease", tag),
    async stop() {
      await call("stop").catch(() => undefined);
      child.disconnect();
      await new Promise((done) => (child.exitCode === null ? child.once("exit", done) : done(undefined)));
    },
  };
}

/** The child: one counting world, answering the parent's messages one by one. */
async function serve(): Promise<void> {
  let world: CountingWorld | undefined;
  let assets: ReturnType<typeof releaseAssets> | undefined;
  const bot = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };
  const need = () => {
    if (!world) throw new Error("world not started");
    return world;
  };
  const ops: Record<string, (...args: never[]) => unknown> = {
    now: () => performance.now(),
    async start(o: WorldProcessOptions) {
      world = await startCountingWorld({
        config: CONFIGS[o.config],
        bundle: o.bundle,
        ...(o.environments ? { environments: o.environments } : {}),
      });
      return { apiUrl: world.standin.urls.api, installationId: world.standin.installationId };
    },
    publish: async (tag: string) => void (await need().publish(tag)),
    settle: () => need().settle(),
    deliveries: () => need().standin.deliveries.map((d) => ({ event: d.event, payload: d.payload })),
    calls: (from: number) => need().calls.slice(from),
    callCount: () => need().calls.length,
    trim() {
      const w = need();
      w.calls.length = 0;
      w.standin.requests.length = 0;
      w.standin.deliveries.length = 0;
    },
    newRelease(tag: string) {
      const w = need();
      // One set of real assets for all of them (tar once; the App reads names, uploaders and the checksum file).
      assets ??= releaseAssets(w.root, "v0.0.0");
      const release = w.standin.createRelease({ tag, assets, author: bot });
      return releasePayload(w.standin.payloadContext(w.repo), "published", release, bot);
    },
    stop: async () => {
      await world?.stop();
      world = undefined;
    },
  };
  process.on("message", (m: Request) => {
    void (async () => {
      try {
        const fn = ops[m.op];
        if (!fn) throw new Error(`unknown operation ${m.op}`);
        process.send?.({ id: m.id, result: (await (fn as (...a: unknown[]) => unknown)(...m.args)) ?? null });
      } catch (error) {
        process.send?.({
          id: m.id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    })();
  });
  process.on("disconnect", () => {
    void world?.stop().finally(() => process.exit(0));
    if (!world) process.exit(0);
  });
}

if (process.argv.includes("--child") && process.send) await serve();
