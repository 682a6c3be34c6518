// What a redelivery costs: GitHub redelivers, and a second replica may see an event the first handled. The App
// reads, finds the work shown done on the check runs, and writes nothing: no claim is even tried (a refused claim,
// 422, is still a content-creating request against GitHub's secondary limit). A repeated config is not parsed
// again (src/app/load-config.ts keeps the parsed config by its text).
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeConversation } from "../support/fake-conversation.js";
import type { Call } from "../support/fake-github.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/config/index.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/config/index.js")>();
  return {
    ...actual,
    parseConfig: (...args: Parameters<typeof actual.parseConfig>) => {
      parses.count += 1;
      return actual.parseConfig(...args);
    },
  };
});

const TAG = "v3.1.0";
const SHA = "c".repeat(40);
// A config text no other test file uses (the parsed-config cache is per process).
const CONFIG = `${readFileSync(new URL("../fixtures/shipline-no-approvals.yml", import.meta.url), "utf8")}# redelivery-requests\n`;

const writes = (calls: Call[]) => calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`);
const reads = (calls: Call[]) =>
  calls
    .filter((c) => c.method === "GET")
    .map((c) => decodeURIComponent(c.path.replace(/\?.*$/, "")).replace(/^\/repos\/[^/]+\/[^/]+/, ""));

describe("a redelivered event", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  const requestsOf = (run: () => Promise<void>) => app.requestsOf(run);

  beforeEach(() => {
    app = releaseScenario({ tag: TAG, sha: SHA, config: CONFIG, noAnnotations: true });
    gh = app.gh;
  });

  it("deployment_status success of a stage already completed, next stage dispatched: two reads, no write, no parse", async () => {
    await app.publish();
    await app.stageStatus("staging", "success", "staging");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(gh.check("shipline / staging")?.conclusion).toBe("success");
    const parsed = parses.count;

    const calls = await requestsOf(() => app.stageStatus("staging", "success", "staging"));
    expect(writes(calls)).toEqual([]);
    expect(reads(calls)).toEqual(["/contents/.github/shipline.yml", `/commits/${SHA}/check-runs`]);
    expect(gh.dispatches).toHaveLength(2);
    expect(parses.count).toBe(parsed);
  });

  it("release.published after the pipeline started: reads only, nothing dispatched again", async () => {
    await app.publish();
    expect(gh.dispatches).toHaveLength(1);
    const checks = gh.checks.length;
    const parsed = parses.count;
    const calls = await requestsOf(() => app.publish());
    expect(writes(calls)).toEqual([]);
    expect(reads(calls)).toEqual([
      "/contents/.github/shipline.yml",
      `/git/ref/tags/${TAG}`,
      `/commits/${SHA}/check-runs`,
      "/releases/assets/2",
    ]);
    expect(parses.count).toBe(parsed);
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.checks).toHaveLength(checks);
  });

  it("release.published of a refused release: reads only (before: the refusal's claim was tried again, 422)", async () => {
    gh.assetTexts.set(2, `${"0".repeat(64)}  something-else.tar.gz\n`);
    const first = await requestsOf(() => app.publish());
    expect(writes(first)).toContain(`POST /repos/Codertocat/Hello-World/git/refs`);
    expect(gh.check("shipline")?.conclusion).toBe("failure");
    const calls = await requestsOf(() => app.publish());
    expect(writes(calls)).toEqual([]);
    expect(gh.dispatches).toEqual([]);
  });
});
