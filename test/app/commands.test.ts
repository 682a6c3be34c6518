import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { runName } from "../../src/pipeline/identity.js";
import { decodeApprovals, decodeLock, decodeRecords } from "../../src/records/codec.js";
import { commentPayload, type FakeConversation } from "../support/fake-conversation.js";
import { expectValidGitHubTraffic } from "../support/openapi.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";
import { deploymentProtectionRulePayload } from "../support/webhooks.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const SHA = "a".repeat(40);
// canary waits for /promote, so the tests can drive promotion by hand.
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8").replace(
  "every-region: true }",
  "every-region: true, promote: manual }",
);

describe("comment commands", () => {
  const traffic = expectValidGitHubTraffic();
  let app: ReleaseScenario;
  let gh: FakeConversation;
  const lastReply = () => gh.replies().at(-1) ?? "";

  beforeEach(async () => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { alice: "write", bob: "write", carol: "maintain", rita: "read" },
    });
    gh = app.gh;
    await app.publish();
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
  });

  it.each([
    "/deploy v1.2.0 to canary",
    "/promote",
    "/rollback production -- it broke",
    "/pause",
    "/resume",
    "/approve",
    "/lock production -- migrating",
    "/unlock production",
  ])("refuses %s from a reader, saying who may, and records the refusal", async (text) => {
    await app.comment(text, "rita");
    expect(gh.reactions.at(-1)).toMatchObject({ content: "eyes" });
    expect(lastReply()).toContain("@rita");
    expect(lastReply()).toContain("**not run**");
    expect(lastReply()).toContain(
      "needs write access to this repository and you have read access. Anyone with write, maintain or admin access may run it",
    );
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.variables.size).toBe(0);
    const audit = decodeRecords("command", gh.check("shipline")!.output.summary);
    expect(audit.at(-1)).toMatchObject({ actor: "rita", outcome: "refused", release: TAG });
  });

  it("/deploy by a writer dispatches once with the right inputs, even when the delivery arrives twice", async () => {
    await app.stageStatus("staging", "success", "staging");
    await app.comment("/approve v1.2.0 to canary", "carol");
    const payload = commentPayload("/deploy v1.2.0 to canary", "bob");
    await app.send("issue_comment", payload, "delivery-7");
    await app.send("issue_comment", payload, "delivery-7");
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
    expect(gh.refs.has(`refs/shipline/${TAG}/canary-rollout-c${payload.comment.id}`)).toBe(true);
    expect(gh.replies().filter((r) => r.includes("/deploy"))).toHaveLength(1);
    const reply = lastReply();
    expect(reply).toContain("@bob `/deploy v1.2.0 to canary`: **on it**");
    expect(reply).toContain(`[Workflow run](https://github.com/${OWNER}/${REPO}/actions/runs/9002)`);
    expect(reply).toMatch(new RegExp(`\\[Check run\\]\\(https://github.com/${OWNER}/${REPO}/runs/\\d+\\)`));
    expect(reply).toContain(`[Deployment](https://github.com/${OWNER}/${REPO}/deployments/production)`);
    expect(gh.check("shipline / canary")).toMatchObject({
      status: "in_progress",
      details_url: `https://github.com/${OWNER}/${REPO}/actions/runs/9002`,
    });
    expect(decodeRecords("command", gh.check("shipline")!.output.summary).at(-1)).toMatchObject({
      command: "/deploy v1.2.0 to canary",
      actor: "bob",
      outcome: "accepted",
      stage: "canary",
    });
  });

  it("/promote dispatches the waiting stage exactly once", async () => {
    await app.stageStatus("staging", "success", "staging");
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.check("shipline / canary")!.output.title).toBe("Waiting for /promote");
    await app.comment("/approve", "carol");
    const payload = commentPayload("/promote", "bob");
    await Promise.all([app.send("issue_comment", payload, "d-1"), app.send("issue_comment", payload, "d-1")]);
    await app.comment("/promote", "carol");
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
    expect(gh.replies()[1]).toContain("**on it**");
    expect(lastReply()).toContain("@carol `/promote`: **not run**");
  });

  it("/promote before the previous stage succeeded is refused, saying why", async () => {
    await app.comment("/promote to canary", "bob");
    expect(lastReply()).toContain("staging has not succeeded yet");
    expect(gh.dispatches).toHaveLength(1);
  });

  it("/rollback dispatches mode rollback to the environment's previous successful release", async () => {
    gh.deployments.push({
      id: 10,
      ref: "v1.1.0",
      environment: "production",
      statuses: ["in_progress", "success"],
    });
    gh.deployments.push({
      id: 11,
      ref: TAG,
      environment: "production",
      statuses: ["in_progress", "failure"],
    });
    await app.comment("/rollback production -- checkout errors", "carol");
    expect(gh.dispatches[1]).toEqual({
      workflow: "shipline.yml",
      ref: "v1.1.0",
      inputs: {
        release: "v1.1.0",
        stage: "production",
        mode: "rollback",
        pipeline: "default",
        environment: "production",
        from: TAG,
        reason: "checkout errors",
      },
    });
    expect(lastReply()).toContain("back from v1.2.0 to v1.1.0");
  });

  it("/lock stores the lock on the environment, /unlock removes it", async () => {
    await app.comment("/lock production for 2h -- db migration", "carol");
    const lock = decodeLock(gh.variables.get("production:SHIPLINE_LOCK"));
    expect(lock).toMatchObject({
      environment: "production",
      owner: "carol",
      reason: "db migration",
      expiresAt: new Date("2026-11-20T12:00:00Z"),
    });
    expect(lastReply()).toContain("Locked `production` until 2026-11-20T12:00:00.000Z");
    await app.comment("/lock production -- mine", "bob");
    expect(lastReply()).toContain("already locked by @carol: db migration");
    await app.comment("/unlock production", "bob");
    expect(gh.variables.has("production:SHIPLINE_LOCK")).toBe(false);
    expect(lastReply()).toContain("Unlocked `production`");
  });

  it("/approve by the release's author is refused; by another writer it is recorded on the waiting stage", async () => {
    await app.stageStatus("staging", "success", "staging");
    await app.comment("/approve", "alice");
    expect(lastReply()).toContain("you published v1.2.0, and nobody approves their own deploy (four-eyes)");
    expect(decodeApprovals(gh.check("shipline / canary")!.output.summary)).toEqual([]);
    await app.comment("/approve", "bob");
    expect(lastReply()).toContain("**done**");
    expect(decodeApprovals(gh.check("shipline / canary")!.output.summary)).toEqual([
      { login: "bob", stage: "canary", release: TAG, at: new Date("2026-11-20T10:00:00Z") },
    ]);
  });

  it("/promote without an approval holds the stage before any dispatch; /approve by another writer starts it", async () => {
    await app.stageStatus("staging", "success", "staging");
    await app.comment("/promote", "carol");
    // On every plan: nothing is dispatched while four-eyes is closed; the stage says why and what to do.
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    const held = gh.check("shipline / canary")!;
    expect(held).toMatchObject({ status: "queued" });
    expect(held.output.title).toBe("Waiting: four-eyes");
    expect(held.output.summary).toContain("| four-eyes | ❌ closed |");
    expect(held.output.summary).toContain("/approve v1.2.0 to canary");
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/canary-rollout-waiting`)).toBe(true);
    // carol asked for the deploy (her /promote is on record), so her own approval does not count.
    await app.comment("/approve", "carol");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    await app.comment("/approve", "bob");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/canary-rollout-waiting`)).toBe(false);
    // The approval stays on the stage's check run once dispatched, for the protection rule where it exists.
    expect(decodeApprovals(gh.check("shipline / canary")!.output.summary)).toContainEqual(
      expect.objectContaining({ login: "bob", stage: "canary" }),
    );
    // Where GitHub offers the protection rule, it re-evaluates at job start and approves at once.
    gh.runs.set(9002, {
      display_title: runName({ release: TAG, stage: "canary", mode: "rollout" }),
      triggering_actor: "shipline[bot]",
    });
    const request = deploymentProtectionRulePayload({
      environment: "production",
      deployment_callback_url: `https://api.github.com/repos/${OWNER}/${REPO}/actions/runs/9002/deployment_protection_rule`,
      deployment: { ref: TAG, sha: SHA, environment: "production" },
    });
    (request as Record<string, unknown>).installation = { id: 1, node_id: "x" };
    await app.send("deployment_protection_rule", request, "dpr-1");
    expect(gh.reviews).toEqual([
      expect.objectContaining({ runId: 9002, environment_name: "production", state: "approved" }),
    ]);
  });

  it("/pause holds the next stage, /resume dispatches it", async () => {
    await app.comment("/pause", "bob");
    expect(gh.check("shipline")!.output.summary).toContain('<!-- shipline:pause {"by":"bob"} -->');
    await app.stageStatus("staging", "success", "staging");
    expect(gh.check("shipline / canary")!.output.title).toBe("Paused by bob");
    await app.comment("/promote", "carol");
    expect(lastReply()).toContain("paused by @bob");
    await app.comment("/approve v1.2.0 to canary", "bob");
    await app.comment("/resume", "carol");
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging", "canary"]);
    expect(gh.check("shipline")!.output.summary).toContain('<!-- shipline:resume {"by":"carol"} -->');
  });

  it("limits production actions to gates.production-actors (logins or teams) when set", async () => {
    gh.files.set(
      `${OWNER}/${REPO}@${TAG}:.github/shipline.yml`,
      `${CONFIG}gates: { production-actors: [carol, "@acme/sre"] }\n`,
    );
    gh.permissions.set("dave", "write");
    gh.teams.set("acme/sre", ["dave"]);
    gh.deployments.push({ id: 10, ref: "v1.1.0", environment: "production", statuses: ["success"] });
    await app.comment("/rollback production", "bob");
    expect(lastReply()).toContain(
      "Sorry @bob, production actions are limited to @carol, @acme/sre (`gates.production-actors`). Please ask one of them to run `/rollback`.",
    );
    expect(gh.dispatches).toHaveLength(1);
    await app.comment("/rollback production", "dave");
    expect(gh.dispatches[1]).toMatchObject({
      ref: "v1.1.0",
      inputs: { mode: "rollback", stage: "production", from: TAG, reason: "requested by @dave" },
    });
  });

  it("answers shell metacharacters with the parser's error and dispatches nothing", async () => {
    await app.comment("/deploy v1;rm -rf / to canary", "bob");
    expect(lastReply()).toContain('`;` is not allowed in "v1;rm"');
    expect(gh.dispatches).toHaveLength(1);
    expect(gh.refs.size).toBe(1);
  });

  it("/status shows the pipeline table to anyone, /help lists the commands", async () => {
    await app.comment("/status", "rita");
    expect(lastReply()).toContain("| staging | `staging` |");
    await app.comment("/help", "rita");
    expect(lastReply()).toContain("**Shipline commands**");
  });

  it("ignores comments by bots and comments that are not commands", async () => {
    const calls = gh.calls.length;
    await app.send("issue_comment", commentPayload("/deploy v1.2.0", "shipline[bot]", "Bot"));
    await app.comment("thanks, looks good", "bob");
    expect(gh.reactions).toEqual([]);
    expect(gh.comments).toEqual([]);
    expect(gh.calls.length).toBe(calls);
    await traffic.current().settle();
  });
});
