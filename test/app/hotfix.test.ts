import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeRecords } from "../../src/records/codec.js";
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
const TAG = "v1.2.1";
const SHA = "e".repeat(40);
const CONFIG = readFileSync(
  new URL("../fixtures/shipline-no-approvals.yml", import.meta.url),
  "utf8",
).replace("{ name: staging }", "{ name: staging, promote: manual }");

describe("/hotfix", () => {
  let gh: FakeConversation;
  let probot: Probot;
  const send = (name: string, payload: object) =>
    probot.receive({
      id: Math.random().toString(16).slice(2),
      name: name as "issue_comment",
      payload: payload as never,
    });

  beforeEach(async () => {
    gh = fakeConversation(OWNER, REPO);
    seedRelease(gh, {
      owner: OWNER,
      repo: REPO,
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { bob: "write", rita: "read" },
    });
    probot = testProbot();
    await send("release", releasePublishedPayload(TAG, "alice"));
    expect(gh.dispatches).toEqual([]); // staging waits for a human
  });

  it("needs write access", async () => {
    await send("issue_comment", commentPayload(`/hotfix ${TAG} -- checkout is down`, "rita"));
    expect(gh.dispatches).toEqual([]);
  });

  it("records the hotfix, marks it everywhere, and carries `hotfix:` to every later stage so bake times are skipped", async () => {
    await send("issue_comment", commentPayload(`/hotfix ${TAG} -- checkout is down`, "bob"));
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.dispatches[0]!.inputs).toMatchObject({
      release: TAG,
      stage: "staging",
      mode: "rollout",
      reason: "hotfix: checkout is down",
    });
    expect(gh.check("shipline / staging")!.output.summary).toContain(
      "**HOTFIX** requested by @bob: checkout is down",
    );
    const hotfix = decodeRecords("hotfix", gh.check("shipline")!.output.summary);
    expect(hotfix).toEqual([
      expect.objectContaining({ release: TAG, by: "bob", reason: "checkout is down" }),
    ]);
    expect(gh.replies().at(-1)).toContain("**Hotfix**");

    await send("deployment_status", stageStatusPayload(TAG, SHA, "staging", "success", "staging"));
    expect(gh.dispatches[1]!.inputs).toMatchObject({ stage: "canary", reason: "hotfix: checkout is down" });
  });
});
