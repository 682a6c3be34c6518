import { describe, expect, it } from "vitest";
import { lockGate } from "../../src/gates/lock.js";
import { contextFor } from "./support/context.js";

const now = new Date("2025-01-14T10:00:00Z");
const lock = { environment: "production", owner: "carol", reason: "migrating the database" };

describe("lock gate", () => {
  it("opens when the environment is not locked (or another one is)", () => {
    expect(lockGate(contextFor("production", { now })).ok).toBe(true);
    expect(lockGate(contextFor("staging", { now, lock })).ok).toBe(true);
  });

  it("rejects everyone but the owner while locked, naming owner, reason and what to do", () => {
    const r = lockGate(contextFor("production", { now, lock }));
    expect(r.ok).toBe(false);
    expect(r.reason).toBe("production is locked by @carol: migrating the database.");
    expect(r.next).toBe("Ask @carol, or comment /unlock production once it is safe, then try again.");
    expect(lockGate(contextFor("production", { now, lock, triggeredBy: "Carol" })).ok).toBe(true);
  });

  it("opens by itself when the lock expires", () => {
    const expiresAt = new Date(now.getTime() + 3_600_000);
    const locked = lockGate(contextFor("production", { now, lock: { ...lock, expiresAt } }));
    expect(locked).toMatchObject({ ok: false, until: expiresAt });
    expect(locked.reason).toContain("until 2025-01-14T11:00:00Z");
    expect(lockGate(contextFor("production", { now: expiresAt, lock: { ...lock, expiresAt } })).ok).toBe(
      true,
    );
  });
});
