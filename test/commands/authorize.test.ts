import { describe, expect, it } from "vitest";
import { authorize, type Permission } from "../../src/commands/authorize.js";
import { buttonCommand, stageButtons } from "../../src/commands/buttons.js";
import { parseCommand } from "../../src/commands/parse.js";
import type { Command } from "../../src/commands/types.js";
import { parseConfig } from "../../src/config/parse.js";

const config = (extra = "") => {
  const r = parseConfig(`
stages:
  - { name: staging }
  - { name: canary, environment: production, percent: 10 }
  - { name: production, approvers: ["@acme/sre", "dave"] }
targets: { eu: [a, b] }
${extra}`);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config.pipelines[0]!;
};
const pipeline = config();
const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!;
const cmd = (text: string): Command => {
  const r = parseCommand(text);
  if (r.kind !== "command") throw new Error(text);
  return r.command;
};

const MUTATING = [
  "/deploy v1.2.0 to staging",
  "/promote v1.2.0 to staging",
  "/rollback staging -- broken",
  "/pause staging",
  "/resume staging",
  "/lock staging -- testing",
  "/unlock staging",
  "/approve v1.2.0 to staging",
  "/hotfix v1.2.1 to staging -- outage",
];

describe("authorize", () => {
  it.each(MUTATING)("refuses %s to a reader, politely saying who may", (text) => {
    const r = authorize({ command: cmd(text), actor: "rita", permission: "read", teams: [], pipeline });
    expect(r.allowed).toBe(false);
    if (!r.allowed) {
      expect(r.reason).toMatch(
        /^Sorry @rita, `\/\w+` needs write access to this repository and you have read access\./,
      );
      expect(r.reason).toContain("Anyone with write, maintain or admin access may run it");
    }
  });

  it.each(MUTATING)("carries out %s for a writer", (text) => {
    const r = authorize({ command: cmd(text), actor: "wendy", permission: "write", teams: [], pipeline });
    expect(r).toEqual({ allowed: true, production: false });
  });

  it.each(["triage", "none"] as Permission[])("refuses %s permission too", (permission) => {
    expect(
      authorize({ command: cmd("/deploy v1"), actor: "x", permission, teams: [], pipeline }).allowed,
    ).toBe(false);
  });

  it("lets anyone ask for help and status", () => {
    for (const text of ["/help", "/status", "/status v1.2.0"])
      expect(
        authorize({ command: cmd(text), actor: "x", permission: "none", teams: [], pipeline }).allowed,
      ).toBe(true);
  });

  it("refuses commands from fork pull requests", () => {
    const r = authorize({
      command: cmd("/deploy v1"),
      actor: "w",
      permission: "admin",
      teams: [],
      isFork: true,
      pipeline,
    });
    expect(r).toMatchObject({ allowed: false, reason: expect.stringContaining("forks") });
  });

  describe("production actors", () => {
    const limited = config('gates: { production-actors: [dave, "@acme/sre"] }');

    it("limits production actions to the named users and teams, and says who may", () => {
      const r = authorize({
        command: cmd("/rollback production"),
        actor: "wendy",
        permission: "admin",
        teams: ["acme/web"],
        pipeline: limited,
      });
      expect(r).toEqual({
        allowed: false,
        reason:
          "Sorry @wendy, production actions are limited to @dave, @acme/sre (`gates.production-actors`). Please ask one of them to run `/rollback`.",
      });
      expect(
        authorize({
          command: cmd("/rollback production"),
          actor: "Dave",
          permission: "write",
          teams: [],
          pipeline: limited,
        }).allowed,
      ).toBe(true);
      expect(
        authorize({
          command: cmd("/lock production"),
          actor: "sam",
          permission: "write",
          teams: ["@acme/sre"],
          pipeline: limited,
        }).allowed,
      ).toBe(true);
    });

    it("does not limit non-production stages, and treats an unknown target as production", () => {
      expect(
        authorize({
          command: cmd("/deploy v1 to staging"),
          actor: "wendy",
          permission: "write",
          teams: [],
          pipeline: limited,
        }).allowed,
      ).toBe(true);
      expect(
        authorize({
          command: cmd("/promote"),
          actor: "wendy",
          permission: "write",
          teams: [],
          pipeline: limited,
        }).allowed,
      ).toBe(false);
      expect(
        authorize({
          command: cmd("/promote"),
          actor: "wendy",
          permission: "write",
          teams: [],
          pipeline: limited,
          stage: stage("staging"),
        }),
      ).toEqual({ allowed: true, production: false });
    });
  });

  it("requires a stage's approvers for /approve and /promote into it", () => {
    const input = { permission: "write" as const, pipeline, stage: stage("production") };
    expect(authorize({ ...input, command: cmd("/approve"), actor: "wendy", teams: [] })).toEqual({
      allowed: false,
      reason: "Sorry @wendy, only @acme/sre, @dave may approve into production (its `approvers`).",
    });
    expect(authorize({ ...input, command: cmd("/approve"), actor: "sam", teams: ["acme/sre"] }).allowed).toBe(
      true,
    );
    expect(authorize({ ...input, command: cmd("/promote"), actor: "dave", teams: [] })).toEqual({
      allowed: true,
      production: true,
    });
  });

  it("refuses a self-approval by the release author, the trigger or the hotfix author", () => {
    const release = { tag: "v1.2.0", author: "alice", triggeredBy: "bob", hotfixBy: "carol" };
    const input = {
      command: cmd("/approve"),
      permission: "write" as const,
      teams: [],
      pipeline,
      stage: stage("canary"),
      release,
    };
    expect(authorize({ ...input, actor: "Alice" })).toEqual({
      allowed: false,
      reason:
        "Sorry @Alice, you published v1.2.0, and nobody approves their own deploy (four-eyes). Another user with write access (not @alice or @bob or @carol) may approve it.",
    });
    expect(authorize({ ...input, actor: "bob" })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("you triggered this deploy"),
    });
    expect(authorize({ ...input, actor: "carol" })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("you recorded the hotfix"),
    });
    expect(authorize({ ...input, actor: "dave" })).toEqual({ allowed: true, production: true });
  });
});

describe("check-run buttons", () => {
  it("offers Promote only when there is a next stage, within GitHub's limits", () => {
    expect(stageButtons("canary", "production").map((b) => b.identifier)).toEqual([
      "promote",
      "rollback",
      "pause",
    ]);
    expect(stageButtons("production", undefined).map((b) => b.identifier)).toEqual(["rollback", "pause"]);
    for (const b of stageButtons(
      "a-very-long-stage-name-for-testing-limits",
      "another-very-long-stage-name",
    )) {
      expect(b.label.length).toBeLessThanOrEqual(20);
      expect(b.description.length).toBeLessThanOrEqual(40);
    }
  });

  it("maps a button press to the command it stands for, checked like a comment", () => {
    const target = { tag: "v1.2.0", stage: "canary", environment: "production", nextStage: "production" };
    const promote = buttonCommand("promote", target)!;
    expect(promote).toEqual({ name: "promote", tag: "v1.2.0", stage: "production" });
    expect(
      authorize({ command: promote, actor: "rita", permission: "read", teams: [], pipeline }).allowed,
    ).toBe(false);
    expect(buttonCommand("rollback", target)).toMatchObject({ name: "rollback", environment: "production" });
    expect(buttonCommand("pause", target)).toEqual({ name: "pause", stage: "canary" });
    expect(buttonCommand("explode", target)).toBeUndefined();
  });
});
