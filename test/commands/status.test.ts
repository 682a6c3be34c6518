import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decideCommand } from "../../src/commands/decide.js";
import { parseConfig } from "../../src/config/parse.js";
import type { CheckRunState, Release } from "../../src/pipeline/types.js";
import { encodeRecord } from "../../src/records/codec.js";

const config = parseConfig(readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8"));
if (!config.ok) throw new Error("fixture config is invalid");
const pipeline = config.config.pipelines[0]!;
const release: Release = {
  id: 1,
  tag: "v1.2.0",
  sha: "a".repeat(40),
  author: "alice",
  draft: false,
  prerelease: false,
  htmlUrl: "https://github.com/o/r/releases/tag/v1.2.0",
  assets: [],
};
const now = new Date("2026-12-01T12:00:00Z");
const staging: CheckRunState = {
  id: 1,
  name: "shipline / staging",
  status: "completed",
  conclusion: "success",
};

function status(canary: CheckRunState) {
  return decideCommand({
    pipeline,
    snapshot: { release, checkRuns: [staging, canary] },
    command: { name: "status" },
    actor: "rita",
    permission: "read",
    teams: [],
    now,
    key: "c1",
  });
}

/** The State cell of a stage's row in the /status table. */
const row = (reply: string, stage: string) =>
  reply.split("\n").find((l) => l.startsWith(`| ${stage} |`)) ?? "";

describe("/status", () => {
  it("shows a stage whose deploy job waits in the protection rule for approvals as waiting, never dispatched", () => {
    const decision = status({
      id: 2,
      name: "shipline / canary",
      status: "queued",
      conclusion: null,
      summary: `${encodeRecord("dispatched", { run: 9002 })}\n${encodeRecord("awaiting-approval", { run: 9002, environment: "production" })}`,
    });
    expect(decision.outcome).toBe("done");
    expect(row(decision.reply, "canary")).not.toContain("dispatched");
    expect(decision.reply).not.toContain("canary[🚀 dispatched");
    expect(decision.reply).toContain(
      "**canary** is waiting: its deploy job waits for an approval (`/approve v1.2.0 to canary`).",
    );
  });

  it("shows a stage held by a closed gate before its dispatch as waiting, with the gate and when it may open", () => {
    const decision = status({
      id: 2,
      name: "shipline / canary",
      status: "queued",
      conclusion: null,
      summary: encodeRecord("held", {
        release: "v1.2.0",
        stage: "canary",
        gates: ["window"],
        at: now.toISOString(),
        until: "2026-12-01T22:00:00Z",
      }),
    });
    expect(row(decision.reply, "canary")).not.toContain("dispatched");
    expect(decision.reply).toContain(
      "**canary** is waiting: held by window (may open at 2026-12-01T22:00:00Z); nothing was dispatched.",
    );
  });

  it("shows a dispatched stage as dispatched, with no waiting line", () => {
    const decision = status({
      id: 2,
      name: "shipline / canary",
      status: "queued",
      conclusion: null,
      summary: encodeRecord("dispatched", { run: 9002 }),
    });
    expect(row(decision.reply, "canary")).toContain("dispatched");
    expect(decision.reply).not.toContain("is waiting");
  });
});
