import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import {
  commentPayload,
  type FakeConversation,
  fakeConversation,
  releasePublishedPayload,
  seedRelease,
  stageStatusPayload,
} from "../support/fake-conversation.js";
import { testProbot } from "../support/probot.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const SHA = "a".repeat(40);
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8").replace(
  "every-region: true }",
  "every-region: true, promote: manual }",
);

describe("/status of a release with a held stage", () => {
  let gh: FakeConversation;
  let probot: Probot;
  const send = (name: string, payload: object) =>
    probot.receive({
      id: Math.random().toString(16).slice(2),
      name: name as "issue_comment",
      payload: payload as never,
    });
  const comment = (body: string, login: string) => send("issue_comment", commentPayload(body, login));

  beforeEach(async () => {
    gh = fakeConversation(OWNER, REPO);
    seedRelease(gh, {
      owner: OWNER,
      repo: REPO,
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { alice: "write", carol: "maintain", rita: "read" },
    });
    probot = testProbot();
    await send("release", releasePublishedPayload(TAG, "alice"));
    await send("deployment_status", stageStatusPayload(TAG, SHA, "staging", "success", "staging"));
  });

  it("shows the held stage as waiting with the closed gate, not as dispatched, to anyone", async () => {
    await comment("/promote", "carol");
    expect(gh.check("shipline / canary")!.output.title).toBe("Waiting: four-eyes");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);

    await comment("/status", "rita");
    const reply = gh.replies().at(-1) ?? "";
    expect(reply).toContain("**done**");
    expect(reply).toContain("**canary** is waiting: held by four-eyes; nothing was dispatched.");
    const row = reply.split("\n").find((l) => l.startsWith("| canary |"));
    expect(row).toBeDefined();
    expect(row).not.toContain("dispatched");
    // /status changes nothing.
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
  });
});
