// The previous good release a failed job reported: only from the last line of its verdict, never shown to users.
import { describe, expect, it } from "vitest";
import { verificationFromAnnotations } from "../../src/github/annotations.js";
import { encodeRecord } from "../../src/records/codec.js";
import { VERIFY_FAILED, VERIFY_INCONCLUSIVE } from "../../src/verify/outcome.js";

const error = (title: string | null, message: string) => ({ annotation_level: "failure", title, message });
const record = (previous: string | null, environment = "live") =>
  encodeRecord("verdict", { environment, previous });

describe("the verdict record", () => {
  it("an untitled verdict (the rollout failed) with its record: the text and the target", () => {
    expect(verificationFromAnnotations([error(null, `wave 2 failed on web-3\n${record("v1")}`)])).toEqual({
      description: "wave 2 failed on web-3",
      previous: { environment: "live", release: "v1" },
    });
  });

  it("a verification verdict carries it too, and 'none' is kept as null", () => {
    expect(verificationFromAnnotations([error(VERIFY_FAILED, `error-rate 4%\n${record(null)}`)])).toEqual({
      verification: "failed",
      description: "error-rate 4%",
      previous: { environment: "live", release: null },
    });
    expect(
      verificationFromAnnotations([error(VERIFY_INCONCLUSIVE, `no data\n${record("v1")}`)]).verification,
    ).toBe("inconclusive");
  });

  it("a record that is not the last line is somebody's text: ignored and not shown", () => {
    const found = verificationFromAnnotations([
      error(null, `printed ${record("v0")}\n${record("v0")}\nexit 1`),
    ]);
    expect(found.previous).toBeUndefined();
    // Not the Action's verdict (no record on its last line): the App keeps the deployment status's own text.
    expect(found.description).toBeUndefined();
  });

  it("a later step's error after the Action's verdict: no target (the App reads the deployments itself)", () => {
    expect(
      verificationFromAnnotations([
        error(null, `rollout failed\n${record("v1")}`),
        error(null, "Process completed with exit code 1."),
      ]),
    ).toEqual({});
  });

  it("a record without `previous` (the job could not read the history) names none", () => {
    const bare = encodeRecord("verdict", { environment: "live" });
    expect(verificationFromAnnotations([error(null, `rollout failed\n${bare}`)])).toEqual({
      description: "rollout failed",
    });
  });
});
