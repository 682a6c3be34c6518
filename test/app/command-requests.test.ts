// The requests a command sends: carrying the effects out returns what it wrote (github/apply.ts Applied), so the
// reply links the stage's check run without listing the commit's check runs a second time.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { buttonPayload, type FakeConversation } from "../support/fake-conversation.js";
import type { Call } from "../support/fake-github.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const SHA = "a".repeat(40);
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8").replace(
  "every-region: true }",
  "every-region: true, promote: manual }",
);

const checkRunLists = (calls: Call[]) =>
  calls.filter((c) => c.method === "GET" && c.path.endsWith(`/commits/${SHA}/check-runs`)).length;

describe("the requests of a command that dispatches", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  const lastReply = () => gh.replies().at(-1) ?? "";
  const requestsOf = (run: () => Promise<void>) => app.requestsOf(run);

  beforeEach(async () => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      noAnnotations: true,
      permissions: { alice: "write", bob: "write", carol: "maintain" },
    });
    gh = app.gh;
    await app.publish();
  });

  it("/deploy lists the commit's check runs once and links the check run it wrote", async () => {
    await app.stageStatus("staging", "success", "staging");
    await app.comment("/approve v1.2.0 to canary", "carol");
    const calls = await requestsOf(() => app.comment("/deploy v1.2.0 to canary", "bob"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(checkRunLists(calls)).toBe(1);
    const canary = gh.check("shipline / canary")!;
    expect(lastReply()).toContain("**on it**");
    expect(lastReply()).toContain(`[Check run](https://github.com/${OWNER}/${REPO}/runs/${canary.id})`);
    expect(lastReply()).toContain(`[Workflow run](${canary.details_url})`);
  });

  it("/retry lists the commit's check runs once and links the check run it wrote", async () => {
    await app.stageStatus("staging", "failure", "staging");
    const calls = await requestsOf(() => app.comment("/retry v1.2.0 to staging", "bob"));
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "staging"]);
    expect(checkRunLists(calls)).toBe(1);
    const staging = gh.check("shipline / staging")!;
    expect(staging.status).toBe("in_progress");
    expect(lastReply()).toContain("**on it**");
    expect(lastReply()).toContain(`[Check run](https://github.com/${OWNER}/${REPO}/runs/${staging.id})`);
    expect(lastReply()).toContain(`[Workflow run](${staging.details_url})`);
  });

  it("a dispatch GitHub refuses is answered from the check run the App wrote, not from a second read", async () => {
    await app.stageStatus("staging", "failure", "staging");
    gh.failDispatch = 422;
    const calls = await requestsOf(() => app.comment("/retry v1.2.0 to staging", "bob"));
    expect(checkRunLists(calls)).toBe(1);
    expect(gh.check("shipline / staging")).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(lastReply()).toContain("**failed**");
    expect(lastReply()).toContain("see the check run");
  });
});

describe("the requests of a button press", () => {
  it("Promote lists the commit's check runs once, and answers on the pressed check run as it left it", async () => {
    const config = readFileSync(
      new URL("../fixtures/shipline-no-approvals.yml", import.meta.url),
      "utf8",
    ).replace("every-region: true,", "every-region: true, promote: manual,");
    const app = releaseScenario({ tag: TAG, sha: SHA, config, permissions: { bob: "write" } });
    const gh = app.gh;
    await app.publish();
    await app.stageStatus("staging", "success", "staging");
    const from = gh.calls.length;
    await app.send("check_run", buttonPayload(gh.check("shipline / staging")!, "promote", "bob"));
    const calls = gh.calls.slice(from);
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(checkRunLists(calls)).toBe(1);
    const staging = gh.check("shipline / staging")!;
    expect(staging).toMatchObject({ status: "completed", conclusion: "success" });
    expect(staging.output.summary).toContain("@bob `/promote v1.2.0 to canary`: **on it**");
  });
});
