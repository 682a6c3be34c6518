// The rollback target a failed job reported is checked before anything is dispatched to it.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { Config } from "../../src/config/types.js";
import { reportedTarget } from "../../src/pipeline/previous-release.js";

function config(): Config {
  const r = parseConfig(`targets: { eu: [web-1] }
pipelines:
  api: { tags: "api/v*", stages: [{ name: live, environment: live }] }
  web: { tags: "web/v*", stages: [{ name: live, environment: live }] }
`);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}
const failed = { release: "api/v2", environment: "live" };

describe("reportedTarget", () => {
  it("takes an earlier release of the same pipeline in the same environment", () => {
    expect(reportedTarget(config(), failed, { environment: "live", release: "api/v1" })).toBe("api/v1");
  });

  it("takes the job's word that there is none", () => {
    expect(reportedTarget(config(), failed, { environment: "live", release: null })).toBeNull();
  });

  it.each([
    [{ environment: "staging", release: "api/v1" }, "not of `live`"],
    [{ environment: "live", release: "api/v2" }, "the failed release itself"],
    [{ environment: "live", release: "web/v1" }, "not a release tag of pipeline `api`"],
    [{ environment: "live", release: "v1" }, "not a release tag of pipeline `api`"],
  ])("refuses %o, saying why", (reported, why) => {
    const judged = reportedTarget(config(), failed, reported);
    expect(judged).toEqual({ refused: expect.stringContaining(why) });
  });
});
