import { describe, expect, it } from "vitest";
import { ACK_REACTION, replyMarkdown } from "../../src/commands/reply.js";
import { encodeHotfix } from "../../src/records/codec.js";

describe("replyMarkdown", () => {
  it("answers with the command, the outcome and links to the run, check run and deployment", () => {
    const text = replyMarkdown({
      actor: "bob",
      command: { name: "deploy", tag: "v1.2.0", stage: "canary" },
      outcome: "accepted",
      message: "Dispatched `shipline.yml` for v1.2.0 to canary.",
      links: {
        run: "https://github.com/acme/app/actions/runs/42",
        checkRun: "https://github.com/acme/app/runs/7",
        deployment: "https://github.com/acme/app/deployments/production",
      },
    });
    expect(text).toBe(
      [
        "@bob `/deploy v1.2.0 to canary`: **on it**",
        "",
        "Dispatched `shipline.yml` for v1.2.0 to canary.",
        "",
        "[Workflow run](https://github.com/acme/app/actions/runs/42) · [Check run](https://github.com/acme/app/runs/7) · [Deployment](https://github.com/acme/app/deployments/production)",
      ].join("\n"),
    );
    expect(ACK_REACTION).toBe("eyes");
  });

  it("drops links that are not http(s) and marks hotfixes, with the audit record", () => {
    const record = encodeHotfix({
      release: "v1.2.1",
      by: "bob",
      reason: "outage",
      at: new Date("2025-01-14T10:00:00Z"),
    });
    const text = replyMarkdown({
      actor: "bob",
      command: { name: "hotfix", tag: "v1.2.1", reason: "outage" },
      outcome: "accepted",
      message: "Recorded.",
      hotfix: true,
      links: { run: "javascript:alert(1)" },
      records: [record],
    });
    expect(text).not.toContain("javascript");
    expect(text.split("\n")[0]).toBe("@bob `/hotfix v1.2.1 -- outage`: **on it** — **HOTFIX**");
    expect(text.endsWith(record)).toBe(true);
  });
});
