// The tick workflow runs only while something waits: the App enables it when a stage starts waiting, and disables
// it when a tick finds nothing waiting any more; a repository without it is told so on the held stage.
import nock from "nock";
import { beforeEach, describe, expect, it } from "vitest";
import type { FakeConversation } from "../../support/fake-conversation.js";
import { API } from "../../support/fake-github.js";
import { type ReleaseScenario, releaseScenario } from "../../support/scenario.js";

const OWNER = "Codertocat";
const REPO = "Hello-World";
const TAG = "v1.2.0";
const WORKFLOW = `/repos/${OWNER}/${REPO}/actions/workflows/shipline-tick.yml`;

const config = `
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu-west: [web-1, web-2] }
stages:
  - { name: staging, approvals: 0 }
  - { name: production, approvals: 0 }
gates: { windows: { timezone: UTC, allow: ["Mon-Sun 22:00-23:59"] } }
`;

/** The tick workflow as GitHub keeps it: its state, and every enable/disable the App sent, in order. */
function tickWorkflow(installed: boolean, state: "active" | "disabled_manually") {
  const tick = { state, switched: [] as string[] };
  nock(API)
    .persist()
    .get(WORKFLOW)
    .reply(() =>
      installed
        ? [
            200,
            { id: 7, name: "shipline-tick", path: ".github/workflows/shipline-tick.yml", state: tick.state },
          ]
        : [404, { message: "Not Found" }],
    )
    .put(/\/actions\/workflows\/shipline-tick\.yml\/(enable|disable)$/)
    .reply((req: Request) => {
      if (!installed) return [404, { message: "Not Found" }];
      const verb = new URL(req.url).pathname.endsWith("/enable") ? "enable" : "disable";
      tick.switched.push(verb);
      tick.state = verb === "enable" ? "active" : "disabled_manually";
      return [204];
    });
  return tick;
}

describe("the tick workflow runs only while something waits", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  let now: Date;

  beforeEach(() => {
    now = new Date("2026-12-01T14:00:00Z");
    app = releaseScenario({ tag: TAG, sha: "b".repeat(40), config, deps: { now: () => now } });
    gh = app.gh;
  });

  it("a hold enables the disabled tick workflow; the tick that dispatches the last waiting stage disables it", async () => {
    const workflow = tickWorkflow(true, "disabled_manually");
    await app.publish();
    expect(gh.check("shipline / staging")!.output.title).toBe("Waiting: window (opens 2026-12-01 22:00 UTC)");
    expect(workflow.switched).toEqual(["enable"]);
    expect(gh.check("shipline / staging")!.output.summary).not.toContain("has no `.github/workflows");

    // A tick while the window is still closed: the stage still waits, the workflow stays on.
    now = new Date("2026-12-01T18:00:00Z");
    await app.tick();
    expect(workflow.switched).toEqual(["enable"]);

    now = new Date("2026-12-01T22:01:00Z");
    await app.tick();
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["staging"]);
    expect(workflow.switched).toEqual(["enable", "disable"]);
    expect(workflow.state).toBe("disabled_manually");
  });

  it("an active tick workflow is read, not written again, when a stage starts waiting", async () => {
    const workflow = tickWorkflow(true, "active");
    await app.publish();
    expect(gh.refs.has(`refs/shipline-wait/${TAG}/staging-rollout-waiting`)).toBe(true);
    expect(workflow.switched).toEqual([]);
  });

  it("a tick that finds nothing waiting turns the workflow off", async () => {
    const workflow = tickWorkflow(true, "active");
    await app.tick();
    expect(workflow.switched).toEqual(["disable"]);
  });

  it("a stage that starts waiting while a tick disables the workflow turns it back on", async () => {
    // The tick lists nothing waiting; between its disable and its second look, a stage starts waiting.
    let raced = false;
    nock(API)
      .put(`${WORKFLOW}/disable`)
      .reply(() => {
        workflow.switched.push("disable");
        workflow.state = "disabled_manually";
        gh.refs.set(`refs/shipline-wait/${TAG}/staging-rollout-waiting`, "b".repeat(40));
        raced = true;
        return [204];
      });
    const workflow = tickWorkflow(true, "active");
    await app.tick();
    expect(raced).toBe(true);
    expect(workflow.switched).toEqual(["disable", "enable"]);
    expect(workflow.state).toBe("active");
  });

  it("without a tick workflow the held stage says what wakes it, and nothing is enabled", async () => {
    const workflow = tickWorkflow(false, "active");
    await app.publish();
    const summary = gh.check("shipline / staging")!.output.summary;
    expect(summary).toContain("This repository has no `.github/workflows/shipline-tick.yml`");
    expect(summary).toContain("this App runs no in-process timer: nothing wakes a waiting stage by itself");
    expect(summary).toContain("SHIPLINE_CLOCK_INTERVAL");
    expect(workflow.switched).toEqual([]);
    expect(gh.calls.filter((c) => c.path.includes("/actions/workflows/shipline-tick.yml"))).toEqual([]);
  });
});
