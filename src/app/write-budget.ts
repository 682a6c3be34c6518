import { AsyncLocalStorage } from "node:async_hooks";
// GitHub's secondary limit on content-creating requests (POST, PATCH, PUT, DELETE): no more than 80 a minute
// and 500 an hour per installation. The App paces its writes to stay under them instead of running into them:
// each write first takes a place in a sliding log of the installation's recent writes (in Redis when the
// replicas share one, so the whole fleet keeps one budget), and waits while a window is full.

/** At most `limit` writes in any `windowMs` (a sliding window: every interval of that length, not clock minutes). */
export interface WriteWindow {
  limit: number;
  windowMs: number;
}

/** GitHub's documented secondary limits for content-creating requests. */
export const GITHUB_WRITE_BUDGET: readonly WriteWindow[] = [
  { limit: 80, windowMs: 60_000 },
  { limit: 500, windowMs: 3_600_000 },
];

/** GitHub asks for at least one second between writes; the App spaces each installation's writes that far. */
export const GITHUB_WRITE_SPACING_MS = 1_000;

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * Parses `SHIPLINE_WRITE_BUDGET`: comma-separated `N/DURATION` windows, e.g. `80/1m,500/1h` (GitHub's), or
 * `off`. Durations take ms, s, m (min) or h; a bare unit means one (`80/m`).
 */
export function parseWriteBudget(text: string): WriteWindow[] {
  const trimmed = text.trim();
  if (trimmed === "off" || trimmed === "none") return [];
  const windows = trimmed.split(",").map((part) => {
    const m = /^\s*(\d+)\s*\/\s*(\d*(?:\.\d+)?)\s*(ms|s|min|m|h)\s*$/.exec(part);
    const limit = Number(m?.[1]);
    const windowMs = Number(m?.[2] || "1") * (UNITS[m?.[3] ?? ""] ?? Number.NaN);
    if (!m || !(limit > 0) || !(windowMs >= 1)) {
      throw new Error(
        `SHIPLINE_WRITE_BUDGET: "${part.trim()}" is not a write window; write N/DURATION windows separated by ` +
          `commas, e.g. "80/1m,500/1h" (GitHub's limits), or "off"`,
      );
    }
    return { limit, windowMs: Math.round(windowMs) };
  });
  return windows;
}

/** Parses `SHIPLINE_WRITE_SPACING_MS` (default 1000). */
export function parseSpacing(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return GITHUB_WRITE_SPACING_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(
      `SHIPLINE_WRITE_SPACING_MS: "${text}" is not a whole number of milliseconds (GitHub asks for 1000)`,
    );
  }
  return value;
}

/**
 * A write counts from the moment it is let go until GitHub has answered it, and then from the answer's time:
 * GitHub counts it somewhere in between, so the log never places a write earlier than GitHub does. While it
 * is in flight it counts as happening `IN_FLIGHT_MS` from now (a crashed replica's write frees its place then).
 */
export const IN_FLIGHT_MS = 60_000;
/** Longest a waiting write sleeps before asking the store again. */
export const POLL_MS = 500;

/** Where the log of recent writes lives. */
export interface BudgetStore {
  /**
   * Records a write for `key` as in flight and returns its token, or returns how many ms to wait before asking
   * again (`wait` > 0, no token).
   */
  take(
    key: string,
    windows: readonly WriteWindow[],
    spacingMs: number,
  ): Promise<{ wait: number; token?: string }>;
  /** The write `token` has been answered: it counts from now on, at this time. */
  answered(key: string, token: string): Promise<void>;
  /** No write for `key` before `ms` from now (GitHub answered a secondary limit with `retry-after`). */
  pause(key: string, ms: number): Promise<void>;
  /** How many ms a write for `key` would wait now (0: it could go), recording nothing. */
  peek(key: string, windows: readonly WriteWindow[], spacingMs: number): Promise<number>;
}

/**
 * How long until a write may go, given the times (ms, ascending) of the writes in the log (in-flight ones in
 * the future), when the last write was let go, and a pause.
 */
export function waitFor(
  log: readonly number[],
  now: number,
  windows: readonly WriteWindow[],
  spacingMs: number,
  lastSent = Number.NEGATIVE_INFINITY,
  pausedUntil = 0,
): number {
  let wait = Math.max(0, pausedUntil - now, lastSent + spacingMs - now);
  for (const { limit, windowMs } of windows) {
    const inWindow = log.filter((t) => t > now - windowMs);
    if (inWindow.length >= limit) {
      // The write that has to leave the window before one more fits.
      const leaving = inWindow[inWindow.length - limit] ?? now;
      wait = Math.max(wait, leaving + windowMs - now + 1);
    }
  }
  return wait;
}

interface Entry {
  token: string;
  t: number;
}

let tokens = 0;
const newToken = () => `${process.pid}-${Date.now()}-${tokens++}-${Math.random().toString(36).slice(2, 8)}`;

/** One process's log (no Redis: each replica keeps its own budget). */
export class MemoryBudget implements BudgetStore {
  private readonly logs = new Map<string, Entry[]>();
  private readonly lastSent = new Map<string, number>();
  private readonly paused = new Map<string, number>();
  constructor(private readonly clock: () => number = Date.now) {}

  async take(key: string, windows: readonly WriteWindow[], spacingMs: number) {
    const now = this.clock();
    const wait = this.waitNow(key, windows, spacingMs, now);
    if (wait > 0) return { wait };
    const log = this.logs.get(key) ?? [];
    const token = newToken();
    log.push({ token, t: now + IN_FLIGHT_MS });
    log.sort((a, b) => a.t - b.t);
    this.lastSent.set(key, now);
    this.logs.set(key, log);
    return { wait: 0, token };
  }

  async peek(key: string, windows: readonly WriteWindow[], spacingMs: number): Promise<number> {
    return this.waitNow(key, windows, spacingMs, this.clock());
  }

  private waitNow(key: string, windows: readonly WriteWindow[], spacingMs: number, now: number): number {
    const longest = Math.max(0, ...windows.map((w) => w.windowMs));
    const log = (this.logs.get(key) ?? []).filter((e) => e.t > now - longest);
    this.logs.set(key, log);
    return waitFor(
      log.map((e) => e.t),
      now,
      windows,
      spacingMs,
      this.lastSent.get(key),
      this.paused.get(key),
    );
  }

  async answered(key: string, token: string): Promise<void> {
    const log = this.logs.get(key) ?? [];
    const entry = log.find((e) => e.token === token);
    if (!entry) return;
    entry.t = this.clock();
    log.sort((a, b) => a.t - b.t);
  }

  async pause(key: string, ms: number): Promise<void> {
    this.paused.set(key, Math.max(this.paused.get(key) ?? 0, this.clock() + ms));
  }
}

/** The part of an ioredis client the Redis store uses. */
export interface RedisLike {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// KEYS: the sorted set of writes (score = ms on Redis's clock, so every replica agrees), pause-until, last-sent.
// ARGV: spacingMs, token, in-flight ms, then limit/windowMs pairs. Returns 0 (recorded) or the ms to wait.
// A token of "" only asks (peek): it returns the wait and records nothing.
const TAKE = `${NOW}
local spacing = tonumber(ARGV[1])
local longest = spacing
for i = 4, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then wait = paused - now end
local last = tonumber(redis.call('GET', KEYS[3]) or '-1')
if last >= 0 then wait = math.max(wait, last + spacing - now) end
for i = 4, #ARGV, 2 do
  local limit = tonumber(ARGV[i])
  local window = tonumber(ARGV[i + 1])
  local count = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
  if count >= limit then
    local e = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
    wait = math.max(wait, tonumber(e[2]) + window - now + 1)
  end
end
if wait > 0 or ARGV[2] == '' then return wait end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], longest + tonumber(ARGV[3]) + 1000)
redis.call('SET', KEYS[3], now, 'PX', spacing + 1000)
return 0
`;

const ANSWERED = `${NOW}
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 0
`;

const PAUSE = `${NOW}
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
return 0
`;

/** The fleet's log in Redis: every replica sharing the Redis shares each installation's budget. */
export class RedisBudget implements BudgetStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix = "shipline-writes",
  ) {}

  async take(key: string, windows: readonly WriteWindow[], spacingMs: number) {
    const token = newToken();
    const k = `${this.prefix}:${key}`;
    const args = windows.flatMap((w) => [w.limit, w.windowMs]);
    const wait = Number(
      await this.redis.eval(TAKE, 3, k, `${k}:paused`, `${k}:last`, spacingMs, token, IN_FLIGHT_MS, ...args),
    );
    return wait > 0 ? { wait } : { wait: 0, token };
  }

  async peek(key: string, windows: readonly WriteWindow[], spacingMs: number): Promise<number> {
    const k = `${this.prefix}:${key}`;
    const args = windows.flatMap((w) => [w.limit, w.windowMs]);
    return Number(
      await this.redis.eval(TAKE, 3, k, `${k}:paused`, `${k}:last`, spacingMs, "", IN_FLIGHT_MS, ...args),
    );
  }

  async answered(key: string, token: string): Promise<void> {
    await this.redis.eval(ANSWERED, 1, `${this.prefix}:${key}`, token);
  }

  async pause(key: string, ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, `${this.prefix}:${key}:paused`, Math.ceil(ms));
  }
}

export interface PacerOptions {
  windows: readonly WriteWindow[];
  spacingMs: number;
  store: BudgetStore;
  sleep?: (ms: number) => Promise<void>;
}

type Turn = { waited: number; done: () => Promise<void> };
interface Waiter {
  first: boolean;
  resolve(turn: Turn): void;
  reject(error: unknown): void;
}

const priority = new AsyncLocalStorage<boolean>();

/**
 * Runs `work` with its writes ahead of the queue: they wait for the budget like any write (the windows and
 * the spacing still hold), but go before the writes queued in this process that are not first. For the few
 * writes that show a user their release is waiting for the budget: without them the wait would be invisible.
 */
export function withWritePriority<T>(work: () => Promise<T>): Promise<T> {
  return priority.run(true, work);
}

/** Whether the write being made now was asked for by `withWritePriority`. */
export function isPriorityWrite(): boolean {
  return priority.getStore() === true;
}

/**
 * Queues each key's writes in order (within a process; `first` writes ahead of the others) and lets one go
 * when the store says the budget has room. Never fails for lack of budget: it waits.
 */
export class WritePacer {
  private readonly lanes = new Map<string, { waiters: Waiter[]; running: boolean }>();
  private readonly announced = new Map<string, { writes: number }[]>();
  private readonly sleep: (ms: number) => Promise<void>;
  /** Writes that had to wait, and for how long in total (ms): for logs and tests. */
  readonly stats = { writes: 0, waited: 0, waitedMs: 0 };

  constructor(readonly options: PacerOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
  }

  get enabled(): boolean {
    return this.options.windows.length > 0 || this.options.spacingMs > 0;
  }

  /**
   * Resolves once a write for `key` may be sent, with the ms waited and `done`, to call when GitHub has
   * answered it (from then on it counts at that time).
   */
  acquire(key: string, first = false): Promise<Turn> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { waiters: [], running: false };
      this.lanes.set(key, lane);
    }
    const waiters = lane.waiters;
    const turn = new Promise<Turn>((resolve, reject) => {
      const waiter = { first, resolve, reject };
      const at = first ? waiters.findIndex((w) => !w.first) : -1;
      if (at >= 0) waiters.splice(at, 0, waiter);
      else waiters.push(waiter);
    });
    void this.drain(key, lane);
    return turn;
  }

  /**
   * Says that a handler will make about `writes` writes for `key` soon (a release.published that has reads to do
   * first): a burst's deliveries all arrive before any of them writes, so the queue alone would not show the
   * wait. The ticket's `ahead` counts the writes announced before it (or queued, if more); `end` withdraws it.
   */
  announce(key: string, writes: number): { ahead(): number; expectedWait(): Promise<number>; end(): void } {
    const tickets = this.announced.get(key) ?? [];
    this.announced.set(key, tickets);
    const ticket = { writes };
    tickets.push(ticket);
    const ahead = () => {
      const earlier = tickets.slice(0, Math.max(0, tickets.indexOf(ticket)));
      return Math.max(
        this.queued(key),
        earlier.reduce((n, t) => n + t.writes, 0),
      );
    };
    return {
      ahead,
      expectedWait: () => this.expectedWait(key, ahead()),
      end: () => {
        const at = tickets.indexOf(ticket);
        if (at >= 0) tickets.splice(at, 1);
        if (tickets.length === 0 && this.announced.get(key) === tickets) this.announced.delete(key);
      },
    };
  }

  /** Writes for `key` queued in this process and not yet let go. */
  queued(key: string): number {
    const lane = this.lanes.get(key);
    return lane ? lane.waiters.length + (lane.running ? 1 : 0) : 0;
  }

  /**
   * About how long a write for `key` queued now would wait: what the store says for the next write, plus one
   * step per write ahead of it in this process (`ahead`, default the queue) (the spacing, or the shortest window's even share).
   * An estimate for what the App shows; the pacing itself never relies on it.
   */
  async expectedWait(key: string, ahead = this.queued(key)): Promise<number> {
    const { windows, spacingMs, store } = this.options;
    if (!this.enabled) return 0;
    const share = Math.min(...windows.map((w) => w.windowMs / w.limit), Number.POSITIVE_INFINITY);
    const step = Math.max(spacingMs, Number.isFinite(share) ? share : 0);
    const next = await store.peek(key, windows, spacingMs);
    return Math.round(next + ahead * step);
  }

  pause(key: string, ms: number): Promise<void> {
    return this.options.store.pause(key, ms);
  }

  private async drain(key: string, lane: { waiters: Waiter[]; running: boolean }): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    try {
      for (let next = lane.waiters.shift(); next; next = lane.waiters.shift()) {
        try {
          next.resolve(await this.waitTurn(key));
        } catch (error) {
          next.reject(error);
        }
      }
    } finally {
      lane.running = false;
      if (lane.waiters.length === 0 && this.lanes.get(key) === lane) this.lanes.delete(key);
    }
  }

  private async waitTurn(key: string): Promise<Turn> {
    let waited = 0;
    let token: string | undefined;
    for (;;) {
      const taken = await this.options.store.take(key, this.options.windows, this.options.spacingMs);
      if (taken.wait <= 0) {
        token = taken.token;
        break;
      }
      // Ask again at the latest after POLL_MS: a write in flight counts as far in the future until GitHub
      // answers it (usually within milliseconds). A little jitter so replicas do not ask in lockstep.
      const ms = Math.min(Math.ceil(taken.wait), POLL_MS) + Math.floor(Math.random() * 5);
      waited += ms;
      await this.sleep(ms);
    }
    this.stats.writes++;
    if (waited > 0) {
      this.stats.waited++;
      this.stats.waitedMs += waited;
    }
    const store = this.options.store;
    return { waited, done: () => (token ? store.answered(key, token) : Promise.resolve()) };
  }
}
