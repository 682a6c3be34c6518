import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeConversation } from "../support/fake-conversation.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "v1.2.0";
const SHA = "a".repeat(40);
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8").replace(
  "every-region: true }",
  "every-region: true, promote: manual }",
);

describe("/status of a release with a held stage", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;

  beforeEach(async () => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { alice: "write", carol: "maintain", rita: "read" },
    });
    gh = app.gh;
    await app.publish();
    await app.stageStatus("staging", "success", "staging");
  });

  it("shows the held stage as waiting with the closed gate, not as dispatched, to anyone", async () => {
    await app.comment("/promote", "carol");
    expect(gh.check("shipline / canary")!.output.title).toBe("Waiting: four-eyes");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);

    await app.comment("/status", "rita");
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
