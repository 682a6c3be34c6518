import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BundleWorld, startBundleWorld } from "./helpers/world.js";

let world: BundleWorld;

// The deploy command records every call; web-6 refuses v2. Values arrive only as environment variables.
const SCRIPT = `echo "$SHIPLINE_MODE $SHIPLINE_TARGET $SHIPLINE_VERSION wave=$SHIPLINE_WAVE token=\${INPUT_TOKEN:-none} artifact=$(basename "$SHIPLINE_ARTIFACT")" >> "$DEPLOY_LOG"; if [ "$SHIPLINE_TARGET" = web-6 ] && [ "$SHIPLINE_MODE" = rollout ]; then echo "disk full" >&2; exit 3; fi`;

beforeAll(async () => {
  world = await startBundleWorld({
    name: "failed-wave",
    config: (root) => `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1, web-2, web-3, web-4], us: [web-5, web-6, web-7, web-8] }
driver: { type: command, run: "sh ${root}/deploy.sh" }
stages: [{ name: production, by: region, concurrency: 1 }]
`,
    releases: ["v1", "v2"],
  });
  writeFileSync(join(world.root, "deploy.sh"), SCRIPT);
  world.github.addDeployment({ ref: "v1", environment: "production", states: ["success"] });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

it("stops at the failed wave and rolls back exactly the targets it touched, with the previous release", async () => {
  const log = join(world.root, "deploy.log");
  const run = await world.run({ release: "v2", stage: "production" }, { DEPLOY_LOG: log });
  expect(run.code, run.stdout).toBe(1);
  expect(run.stdout).toContain(
    "::error::rollout of v2 to production failed: target web-6: the deploy command exited with code 3; rolled back 6 touched targets",
  );
  const calls = readFileSync(log, "utf8").trim().split("\n");
  // Wave 1 (eu) entirely, wave 2 (us) up to the failure with concurrency 1; web-7 and web-8 never touched.
  expect(calls).toEqual([
    "rollout web-1 v2 wave=1 token=none artifact=app-v2.tar.gz",
    "rollout web-2 v2 wave=1 token=none artifact=app-v2.tar.gz",
    "rollout web-3 v2 wave=1 token=none artifact=app-v2.tar.gz",
    "rollout web-4 v2 wave=1 token=none artifact=app-v2.tar.gz",
    "rollout web-5 v2 wave=2 token=none artifact=app-v2.tar.gz",
    "rollout web-6 v2 wave=2 token=none artifact=app-v2.tar.gz",
    "rollback web-6 v1 wave=2 token=none artifact=app-v1.tar.gz",
    "rollback web-5 v1 wave=2 token=none artifact=app-v1.tar.gz",
    "rollback web-4 v1 wave=1 token=none artifact=app-v1.tar.gz",
    "rollback web-3 v1 wave=1 token=none artifact=app-v1.tar.gz",
    "rollback web-2 v1 wave=1 token=none artifact=app-v1.tar.gz",
    "rollback web-1 v1 wave=1 token=none artifact=app-v1.tar.gz",
  ]);
  expect(run.stdout).toContain("[web-6] disk full");
  expect(run.outputs.version).toBe("v1");
  expect(run.outputs["previous-version"]).toBe("v1");
  expect(run.summary).toContain("failed and was rolled back");
  expect(run.summary).toContain("class w2 failed");
  expect(run.summary).toContain("w2 -.-> rb");
});

it("fails the step with a clear error for an unknown stage", async () => {
  const run = await world.run({ release: "v2", stage: "prod" });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('::error::pipeline "default" has no stage "prod" (stages: production)');
});

it("runs verify mode through the bundle: a stage without checks passes with nothing to verify", async () => {
  const run = await world.run({ release: "v2", stage: "production", mode: "verify" });
  expect(run.code, run.stdout).toBe(0);
  expect(run.stdout).toContain("declares no verify checks");
  expect(JSON.parse(run.outputs.targets!)).toHaveLength(8);
});
