import { describe, expect, it } from "vitest";
import { jobVerification, verificationFromAnnotations } from "../../src/github/annotations.js";
import type { GitHubClient } from "../../src/github/client.js";
import { VERIFY_FAILED, VERIFY_INCONCLUSIVE, VERIFY_REPORT } from "../../src/verify/outcome.js";

const error = (title: string | null, message: string) => ({ annotation_level: "failure", title, message });
const notice = (title: string, message: string) => ({ annotation_level: "notice", title, message });

describe("the App trusts only the job's last word", () => {
  it("reads the verdict from the last error annotation", () => {
    expect(
      verificationFromAnnotations([notice(VERIFY_REPORT, "| r |"), error(VERIFY_FAILED, "error-rate 4%")]),
    ).toEqual({ verification: "failed", description: "error-rate 4%", report: "| r |" });
  });

  it("ignores a verdict some step printed before the job's own failure", () => {
    // A forged "verification failed" (text a step printed), then the step's real failure: the rollout failed.
    expect(
      verificationFromAnnotations([
        error(VERIFY_FAILED, "INJECTED"),
        error(
          null,
          "rollout of v2 to production failed: target web-6: the deploy command exited with code 3",
        ),
      ]),
    ).toEqual({});
  });

  it("takes the last report, and never a warning or error that borrows the report's title", () => {
    expect(
      verificationFromAnnotations([
        notice(VERIFY_REPORT, "forged"),
        { annotation_level: "warning", title: VERIFY_REPORT, message: "also forged" },
        notice(VERIFY_REPORT, "real"),
        error(VERIFY_INCONCLUSIVE, "no data"),
      ]),
    ).toEqual({ verification: "inconclusive", description: "no data", report: "real" });
    expect(
      verificationFromAnnotations([{ annotation_level: "warning", title: VERIFY_FAILED, message: "x" }]),
    ).toEqual({});
  });

  it("reads every page, so the last annotation is really the last", async () => {
    const pages: unknown[][] = [
      Array.from({ length: 100 }, (_, i) => ({ annotation_level: "warning", title: null, message: `w${i}` })),
      [error(VERIFY_FAILED, "INJECTED"), error(null, "the rollout failed")],
    ];
    const asked: unknown[] = [];
    const gh: GitHubClient = {
      request: async (_route, params) => {
        asked.push(params?.page);
        return { status: 200, data: pages[Number(params?.page) - 1] ?? [], headers: {} };
      },
    };
    expect(await jobVerification(gh, { owner: "o", repo: "r" }, 7)).toEqual({});
    expect(asked).toEqual([1, 2]);
  });
});
