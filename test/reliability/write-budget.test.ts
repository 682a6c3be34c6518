// The write budget: GitHub's "80 writes a minute, 500 an hour" per installation, kept as a sliding log in
// this process or, shared by every replica, in a real redis-server.
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  IN_FLIGHT_MS,
  MemoryBudget,
  parseSpacing,
  parseWriteBudget,
  RedisBudget,
  waitFor,
} from "../../src/app/write-budget.js";
import { type RedisServer, startRedis } from "./replica.js";

describe("SHIPLINE_WRITE_BUDGET", () => {
  it("reads N/DURATION windows", () => {
    expect(parseWriteBudget("80/1m,500/1h")).toEqual([
      { limit: 80, windowMs: 60_000 },
      { limit: 500, windowMs: 3_600_000 },
    ]);
    expect(parseWriteBudget(" 20/2s , 100/m")).toEqual([
      { limit: 20, windowMs: 2_000 },
      { limit: 100, windowMs: 60_000 },
    ]);
    expect(parseWriteBudget("off")).toEqual([]);
  });

  it("refuses what it cannot read, saying what to write", () => {
    expect(() => parseWriteBudget("80 per minute")).toThrow(
      'SHIPLINE_WRITE_BUDGET: "80 per minute" is not a write window; write N/DURATION windows separated by commas, e.g. "80/1m,500/1h"',
    );
    expect(() => parseWriteBudget("0/1m")).toThrow(/"0\/1m" is not a write window/);
    expect(() => parseSpacing("1s")).toThrow(/SHIPLINE_WRITE_SPACING_MS: "1s" is not a whole number/);
    expect(parseSpacing(undefined)).toBe(1000);
  });
});

describe("the sliding log", () => {
  it("never lets more than the limit into any window, and waits exactly until one fits", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 10, max: 500 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 80 }),
        async (limit, windowMs, gaps) => {
          let now = 0;
          const budget = new MemoryBudget(() => now);
          const sent: number[] = [];
          for (const gap of gaps) {
            now += gap;
            // What a pacer does: ask, wait as told, ask again; GitHub answers at once.
            for (;;) {
              const taken = await budget.take("i", [{ limit, windowMs }], 0);
              if (taken.wait === 0) {
                sent.push(now);
                await budget.answered("i", taken.token!);
                break;
              }
              now += taken.wait;
            }
          }
          for (const t of sent)
            expect(sent.filter((s) => s > t - windowMs && s <= t).length).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });

  it("counts a write in flight until GitHub answers it, then from the answer", () => {
    expect(waitFor([1_000 + IN_FLIGHT_MS], 1_000, [{ limit: 1, windowMs: 100 }], 0)).toBe(IN_FLIGHT_MS + 101);
    expect(waitFor([1_000], 1_050, [{ limit: 1, windowMs: 100 }], 0)).toBe(51);
    expect(waitFor([1_000], 1_050, [{ limit: 2, windowMs: 100 }], 200, 1_000)).toBe(150);
    expect(waitFor([], 1_000, [], 0, undefined, 4_000)).toBe(3_000);
  });
});

describe("the budget in Redis, shared by replicas", () => {
  let redis: RedisServer;
  const clients: Redis[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis?.stop();
  });

  it("two replicas asking at once get exactly the limit between them; other installations are apart", async () => {
    const [a, b] = [new Redis(redis.url), new Redis(redis.url)];
    clients.push(a, b);
    const replicas = [new RedisBudget(a), new RedisBudget(b)];
    const window = [{ limit: 7, windowMs: 60_000 }];
    const asks = Array.from({ length: 40 }, (_, i) => replicas[i % 2]!.take("1234:42", window, 0));
    const answers = await Promise.all(asks);
    expect(answers.filter((x) => x.wait === 0)).toHaveLength(7);
    const refused = answers.filter((x) => x.wait > 0);
    expect(refused).toHaveLength(33);
    // In flight, the seven count as far ahead as they may take; answered, they leave a minute after.
    expect(Math.min(...refused.map((x) => x.wait))).toBeGreaterThan(60_000);
    for (const x of answers.filter((y) => y.token)) await replicas[0]!.answered("1234:42", x.token!);
    const after = await replicas[1]!.take("1234:42", window, 0);
    expect(after.wait).toBeGreaterThan(59_000);
    expect(after.wait).toBeLessThanOrEqual(60_001);
    expect((await replicas[1]!.take("1234:43", window, 0)).wait).toBe(0);
    expect(redis.keys()).toEqual(
      expect.arrayContaining([
        "shipline-writes:1234:42",
        "shipline-writes:1234:42:last",
        "shipline-writes:1234:43",
      ]),
    );
  });

  it("a pause (GitHub's retry-after) holds every replica's writes", async () => {
    const c = new Redis(redis.url);
    clients.push(c);
    const budget = new RedisBudget(c);
    await budget.pause("1234:50", 30_000);
    const { wait } = await new RedisBudget(c).take("1234:50", [{ limit: 100, windowMs: 60_000 }], 0);
    expect(wait).toBeGreaterThan(29_000);
    expect(wait).toBeLessThanOrEqual(30_000);
  });
});
