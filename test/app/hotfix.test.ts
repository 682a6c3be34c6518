import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeRecords } from "../../src/records/codec.js";
import type { FakeConversation } from "../support/fake-conversation.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "v1.2.1";
const SHA = "e".repeat(40);
const CONFIG = readFileSync(
  new URL("../fixtures/shipline-no-approvals.yml", import.meta.url),
  "utf8",
).replace("{ name: staging }", "{ name: staging, promote: manual }");

describe("/hotfix", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;

  beforeEach(async () => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { bob: "write", rita: "read" },
    });
    gh = app.gh;
    await app.publish();
    expect(gh.dispatches).toEqual([]); // staging waits for a human
  });

  it("needs write access", async () => {
    await app.comment(`/hotfix ${TAG} -- checkout is down`, "rita");
    expect(gh.dispatches).toEqual([]);
  });

  it("records the hotfix, marks it everywhere, and carries `hotfix:` to every later stage so bake times are skipped", async () => {
    await app.comment(`/hotfix ${TAG} -- checkout is down`, "bob");
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

    await app.stageStatus("staging", "success", "staging");
    expect(gh.dispatches[1]!.inputs).toMatchObject({ stage: "canary", reason: "hotfix: checkout is down" });
  });
});
