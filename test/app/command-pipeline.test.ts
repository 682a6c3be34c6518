// Which pipeline a command acts in is the core's (commands/decide.ts commandPipeline): a command naming a release
// acts in the pipeline its tag matches, one before any release in the config's first.
import { beforeEach, describe, expect, it } from "vitest";
import { decodeLock } from "../../src/records/codec.js";
import type { FakeConversation } from "../support/fake-conversation.js";
import { type ReleaseScenario, releaseScenario } from "../support/scenario.js";

const TAG = "api/v1.0.0";
const SHA = "c".repeat(40);
const CONFIG = `workflow: shipline.yml
artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
pipelines:
  web:
    tags: "web/v*"
    stages: [{ name: staging }, { name: production }]
  api:
    tags: "api/v*"
    stages: [{ name: api-staging, environment: api-staging }, { name: api-prod, environment: api-production }]
`;

describe("the pipeline a command acts in", () => {
  let app: ReleaseScenario;
  let gh: FakeConversation;
  const lastReply = () => gh.replies().at(-1) ?? "";

  beforeEach(() => {
    app = releaseScenario({
      tag: TAG,
      sha: SHA,
      config: CONFIG,
      permissions: { bob: "write", carol: "maintain" },
    });
    gh = app.gh;
  });

  it("a command naming a release acts in the pipeline its tag matches, with that pipeline's stages", async () => {
    await app.publish();
    expect(gh.dispatches.map((d) => d.inputs.stage)).toEqual(["api-staging"]);
    await app.comment(`/status ${TAG}`, "bob");
    expect(lastReply()).toContain("| api-staging |");
    expect(lastReply()).toContain("| api-prod |");
    expect(lastReply()).not.toContain("| staging |");
    // The stage names it is parsed against are the api pipeline's: the web pipeline's are unknown here.
    await app.comment(`/retry ${TAG} to production`, "bob");
    expect(lastReply()).toContain('There is no stage "production" (stages: api-staging, api-prod).');
    expect(gh.dispatches).toHaveLength(1);
  });

  it("a command before any release is published acts in the config's first pipeline", async () => {
    gh.releases.length = 0;
    await app.comment("/lock api-production -- migrating", "carol");
    expect(lastReply()).toContain(
      'There is no environment "api-production" (environments: staging, production).',
    );
    expect(gh.variables.size).toBe(0);
    await app.comment("/lock production -- migrating", "carol");
    expect(lastReply()).toContain("Locked `production`");
    expect(decodeLock(gh.variables.get("production:SHIPLINE_LOCK"))).toMatchObject({ owner: "carol" });
  });
});
