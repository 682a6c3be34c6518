// `/rollback` commented on a pull request: the App dispatches a rollback and the targets run the previous release.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../tools/e2e/app.js";
import { oneStage } from "../../tools/e2e/configs.js";
import { startWorld, type World } from "../../tools/e2e/world.js";
import { issueCommentPayload } from "../../tools/standin/payloads.js";

describe("/rollback from a PR comment", () => {
  let world: World;
  beforeAll(async () => {
    buildApp();
    world = await startWorld({
      config: (root) => oneStage(root),
      environments: { live: { customRule: true } },
    });
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("rolls the environment back to the previous release on the targets", { timeout: 180_000 }, async () => {
    await world.publish("v1.0.0");
    await world.settle();
    await world.publish("v2.0.0");
    await world.settle();
    expect([world.current("web-1"), world.current("web-2")], world.log()).toEqual(["v2.0.0", "v2.0.0"]);

    // As on GitHub, v2's success marked v1's deployment inactive: the rollback must still find v1.
    const v1 = world.repo.deployments.find((d) => d.ref === "v1.0.0" && d.environment === "live");
    expect(v1?.statuses.map((s) => s.state)[0]).toBe("inactive");

    world.gh.standin.setPermission("alice", "write");
    const now = new Date().toISOString();
    const comment = {
      id: 9001,
      issueNumber: 12,
      body: "/rollback live -- checkout errors",
      user: { login: "alice", id: 7, type: "User" as const },
      createdAt: now,
      updatedAt: now,
      reactions: [],
    };
    world.repo.comments.push(comment);
    const ctx = world.gh.standin.payloadContext(world.repo);
    await world.gh.deliver(
      "issue_comment",
      issueCommentPayload(ctx, comment, { number: 12, title: "Fix checkout" }),
    );
    await world.settle();

    const rollback = world.repo.dispatches.find((d) => d.inputs.mode === "rollback");
    expect(rollback, world.log()).toMatchObject({
      ref: "v1.0.0",
      inputs: { release: "v1.0.0", stage: "live" },
    });
    expect(world.actions.at(-1)?.result.exitCode).toBe(0);
    expect([world.current("web-1"), world.current("web-2")]).toEqual(["v1.0.0", "v1.0.0"]);
    const reply = world.repo.comments.find((c) => c.user.type === "Bot" && c.issueNumber === 12);
    expect(reply?.body).toContain("v1.0.0");
    expect(world.violations()).toEqual([]);
  });
});
