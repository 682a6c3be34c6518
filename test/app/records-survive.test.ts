import { describe, expect, it } from "vitest";
import { upsertCheck } from "../../src/pipeline/published.js";
import type { Snapshot } from "../../src/pipeline/types.js";
import { encodeApproval, encodeRecord } from "../../src/records/codec.js";

describe("check run summaries are the database", () => {
  it("keeps the records a summary holds when the core rewrites it", () => {
    const approval = encodeApproval({
      login: "bob",
      stage: "production",
      release: "v1",
      at: new Date("2026-11-18T09:00:00Z"),
    });
    const snapshot: Snapshot = {
      release: {
        id: 1,
        tag: "v1",
        sha: "a".repeat(40),
        author: "alice",
        draft: false,
        prerelease: false,
        htmlUrl: "",
        assets: [],
      },
      checkRuns: [
        {
          id: 9,
          name: "shipline / production",
          status: "queued",
          conclusion: null,
          summary: `old table\n\n${approval}\n${encodeRecord("pause", { by: "carol" })}`,
        },
      ],
    };
    const effect = upsertCheck(snapshot, {
      name: "shipline / production",
      status: "completed",
      conclusion: "success",
      title: "done",
      summary: "new table",
    });
    expect(effect).toMatchObject({ kind: "update-check", id: 9 });
    const summary = (effect as { summary: string }).summary;
    expect(summary.startsWith("new table")).toBe(true);
    expect(summary).not.toContain("old table");
    expect(summary).toContain(approval);
    expect(summary).toContain('<!-- shipline:pause {"by":"carol"} -->');
  });
});
