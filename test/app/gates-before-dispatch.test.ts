// Gates on every plan: with no protection rule at all (a private repository on GitHub Team), the App checks a
// stage's gates before it dispatches, holds what may not go, and the clock (the tick workflow's workflow_run)
// dispatches it by itself once the gate opens, with no human coming back.
import { describe, expect, it } from "vitest";
import { encodeLock } from "../../src/records/codec.js";
import type { FakeConversation } from "../support/fake-conversation.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "v1.2.0";
const SHA = "b".repeat(40);

const config = (gates: string) => `
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
stages:
  - { name: staging, approvals: 0 }
  - { name: production, approvals: 0 }
${gates}
`;

describe("gates before every dispatch, and a clock that needs no runner", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  let now: Date;
  const stages = () => gh.dispatches.map((d) => d.inputs.stage);

  function start(gates: string, at: string) {
    now = new Date(at);
    app = releaseScenario({ tag: TAG, sha: SHA, config: config(gates), deps: { now: () => now } });
    gh = app.gh;
  }

  it("a release published while the window is closed waits, then deploys by itself after the opening", async () => {
    start('gates: { windows: { timezone: UTC, allow: ["Mon-Sun 22:00-23:59"] } }', "2026-12-01T14:00:00Z");
    await app.publish();
    expect(stages()).toEqual([]);
    const staging = gh.check("shipline / staging")!;
    expect(staging.status).toBe("queued");
    expect(staging.output.title).toBe("Waiting: window (opens 2026-12-01 22:00 UTC)");
    expect(staging.output.summary).toContain("| window | ❌ closed |");
    expect(staging.output.summary).toContain("nobody needs to come back");
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/staging-rollout-waiting`)).toBe(true);

    // A tick before the opening changes nothing and writes nothing.
    now = new Date("2026-12-01T18:00:00Z");
    const writes = gh.calls.filter((c) => c.method !== "GET").length;
    await app.tick();
    expect(stages()).toEqual([]);
    expect(gh.calls.filter((c) => c.method !== "GET").length).toBe(writes);

    // The first tick after 22:00 dispatches it; a second tick (another replica) does not again.
    now = new Date("2026-12-01T22:03:00Z");
    await Promise.all([app.tick(), app.tick()]);
    expect(stages()).toEqual(["staging"]);
    expect(gh.check("shipline / staging")!.output.summary).toContain("shipline:dispatched");
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/staging-rollout-waiting`)).toBe(false);
  });

  it("a freeze that ends releases the stage on the next tick", async () => {
    start(
      'gates: { freezes: [{ from: "2026-12-01T00:00:00Z", until: "2026-12-02T00:00:00Z", reason: "year-end" }] }',
      "2026-12-01T14:00:00Z",
    );
    await app.publish();
    expect(stages()).toEqual([]);
    expect(gh.check("shipline / staging")!.output.title).toMatch(/^Waiting: freeze/);
    now = new Date("2026-12-02T00:04:00Z");
    await app.tick();
    expect(stages()).toEqual(["staging"]);
  });

  it("a lock with an expiry holds the stage until it expires, then the clock deploys it", async () => {
    start("", "2026-12-01T14:00:00Z");
    gh.variables.set(
      "staging:SHIPLINE_LOCK",
      encodeLock({
        environment: "staging",
        owner: "carol",
        reason: "migrating",
        at: new Date("2026-12-01T13:00:00Z"),
        expiresAt: new Date("2026-12-01T15:00:00Z"),
      }),
    );
    await app.publish();
    expect(stages()).toEqual([]);
    expect(gh.check("shipline / staging")!.output.title).toMatch(/^Waiting: lock/);
    now = new Date("2026-12-01T15:02:00Z");
    await app.tick();
    expect(stages()).toEqual(["staging"]);
  });
});
