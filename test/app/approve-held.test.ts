// /approve of a stage held before its dispatch wakes it in the same decision: the gates are read and evaluated
// once, on the state the command already read, and the stage is dispatched exactly once.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeApprovals } from "../../src/records/codec.js";
import { commentPayload, type FakeConversation } from "../support/fake-conversation.js";
import type { Call } from "../support/fake-github.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "v1.2.0";
const SHA = "a".repeat(40);
const WAITING = `refs/shipline-wait/${TAG}/canary-rollout-waiting`;
// canary waits for /promote, so the test holds it by hand: carol's /promote meets four-eyes.
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8").replace(
  "every-region: true }",
  "every-region: true, promote: manual }",
);

const count = (calls: Call[], method: string, path: RegExp) =>
  calls.filter((c) => c.method === method && path.test(c.path)).length;

describe("/approve of a held stage", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  const requestsOf = (run: () => Promise<void>) => app.requestsOf(run);

  beforeEach(async () => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { alice: "write", bob: "write", carol: "maintain" },
    });
    gh = app.gh;
    await app.publish();
    await app.stageStatus("staging", "success", "staging");
    await app.comment("/promote", "carol");
    expect(gh.check("shipline / canary")!.output.title).toBe("Waiting: four-eyes");
    expect(gh.refs.has(WAITING)).toBe(true);
  });

  it("a command's hold is guarded by the command's own claim: no second claim ref for the hold", async () => {
    const refs = [...gh.refs.keys()];
    expect(refs.filter((r) => r.startsWith("refs/shipline-commands/"))).toHaveLength(1);
    expect(refs.filter((r) => r.includes("held-"))).toEqual([]);
    // A redelivered /promote finds the command's claim taken and writes nothing.
    const payload = commentPayload("/promote", "carol");
    await app.send("issue_comment", payload, "p-1");
    const writes = gh.calls.filter((c) => c.method !== "GET").length;
    await app.send("issue_comment", payload, "p-1");
    expect(gh.calls.filter((c) => c.method !== "GET").length).toBe(writes + 1); // the claim attempt alone
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
  });

  it("reads the release, config and check runs once, and dispatches the stage exactly once", async () => {
    const calls = await requestsOf(() => app.comment("/approve", "bob"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    // Read once each (before: twice, the wake reading the release, config, check runs and gate facts again).
    expect(count(calls, "GET", /\/commits\/[0-9a-f]{40}\/check-runs$/)).toBe(1);
    expect(count(calls, "GET", /\/contents\/\.github%2Fshipline\.yml$/)).toBe(1);
    expect(count(calls, "GET", /\/actions\/workflows\/shipline\.yml\/runs$/)).toBe(1);
    expect(count(calls, "GET", /\/git\/ref\/tags/)).toBeLessThanOrEqual(1);
    expect(gh.refs.has(WAITING)).toBe(false);
    const canary = gh.check("shipline / canary")!;
    expect(canary.status).toBe("in_progress");
    expect(decodeApprovals(canary.output.summary)).toContainEqual(
      expect.objectContaining({ login: "bob", stage: "canary", release: TAG }),
    );
    expect(gh.check("shipline")!.output.title).not.toContain("Held");
    expect(gh.replies().at(-1)).toContain("Recorded @bob's approval of v1.2.0 for canary.");
    // The approval and the dispatch are one write of the stage's check run.
    const canaryWrites = calls.filter(
      (c) => c.method === "PATCH" && c.path.endsWith(`/check-runs/${canary.id}`),
    );
    expect(canaryWrites).toHaveLength(1);
  });

  it("an approval that does not open the gate records it and changes nothing else", async () => {
    // carol asked for the deploy (her /promote is on record): her approval does not count for four-eyes.
    const held = gh.check("shipline / canary")!;
    const calls = await requestsOf(() => app.comment("/approve", "carol"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(gh.refs.has(WAITING)).toBe(true);
    const canary = gh.check("shipline / canary")!;
    expect(canary).toMatchObject({ id: held.id, status: "queued" });
    expect(canary.output.title).toBe("Waiting: four-eyes");
    expect(count(calls, "GET", /\/commits\/[0-9a-f]{40}\/check-runs$/)).toBe(1);
    expect(count(calls, "GET", /\/actions\/workflows\/shipline\.yml\/runs$/)).toBe(1);
    // The command's claim, its record on the release and the approval on the stage: nothing is held again.
    expect(
      calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path.replace(/\d+$/, "N")}`),
    ).toEqual([
      "POST /repos/Codertocat/Hello-World/git/refs",
      "PATCH /repos/Codertocat/Hello-World/check-runs/N",
      "PATCH /repos/Codertocat/Hello-World/check-runs/N",
    ]);
  });

  it("a second /approve after the dispatch records the approval and dispatches nothing more", async () => {
    await app.comment("/approve", "bob");
    gh.permissions.set("dave", "write");
    await app.comment("/approve v1.2.0 to canary", "dave");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(decodeApprovals(gh.check("shipline / canary")!.output.summary).map((a) => a.login)).toEqual([
      "bob",
      "dave",
    ]);
  });
});
