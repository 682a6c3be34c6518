import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeRecords } from "../../src/records/codec.js";
import { buttonPayload, type FakeConversation } from "../support/fake-conversation.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "v1.2.0";
const SHA = "a".repeat(40);
const CONFIG = readFileSync(
  new URL("../fixtures/shipline-no-approvals.yml", import.meta.url),
  "utf8",
).replace("every-region: true,", "every-region: true, promote: manual,");

describe("check-run buttons", () => {
  const traffic = expectValidGitHubTraffic();
  let app: ReleaseScenario;
  let gh: FakeConversation;

  const press = (checkName: string, identifier: string, login: string) =>
    buttonPayload(gh.check(checkName)!, identifier, login);

  beforeEach(async () => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { bob: "write", rita: "read" },
    });
    gh = app.gh;
    await app.publish();
    await app.stageStatus("staging", "success", "staging");
    expect(gh.check("shipline / canary")!.output.title).toBe("Waiting for /promote");
  });

  it("Promote pressed by a writer dispatches the next stage once, and says so on the check run", async () => {
    const payload = press("shipline / staging", "promote", "bob");
    await app.send("check_run", payload, "press-1");
    await app.send("check_run", payload, "press-1");
    expect(gh.dispatches.slice(1)).toEqual([
      {
        workflow: "shipline.yml",
        ref: TAG,
        inputs: {
          release: TAG,
          stage: "canary",
          mode: "rollout",
          pipeline: "default",
          environment: "production",
        },
      },
    ]);
    const staging = gh.check("shipline / staging")!;
    expect(staging).toMatchObject({ status: "completed", conclusion: "success" });
    expect(staging.output.summary).toContain("@bob `/promote v1.2.0 to canary`: **on it**");
    expect(decodeRecords("command", gh.check("shipline")!.output.summary).at(-1)).toMatchObject({
      actor: "bob",
      outcome: "accepted",
      stage: "canary",
    });
  });

  it("Promote pressed by a reader is refused on the check run, saying who may", async () => {
    await app.send("check_run", press("shipline / staging", "promote", "rita"));
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.check("shipline / staging")!.output.summary).toContain(
      "Sorry @rita, `/promote` needs write access to this repository and you have read access.",
    );
  });

  it("Pause pressed by a writer pauses the release", async () => {
    await app.send("check_run", press("shipline / staging", "pause", "bob"));
    expect(gh.check("shipline")!.output.summary).toContain('<!-- shipline:pause {"by":"bob"} -->');
  });

  it("ignores a press on a check run whose release does not point at its commit", async () => {
    const payload = press("shipline / staging", "promote", "bob");
    payload.check_run.head_sha = "b".repeat(40);
    await app.send("check_run", payload);
    expect(gh.dispatches).toHaveLength(1);
    await traffic.current().settle();
  });
});
