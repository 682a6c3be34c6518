// The built Action's verdict carries the environment's previous good release it found, and the App's parser of
// the job's annotations reads it back (issue 17: the App's rollback needs no deployments read of its own).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verificationFromAnnotations } from "../../src/github/annotations.js";
import { annotationsFromOutput } from "../../tools/standin/workflow-commands.js";
import { type BundleWorld, startBundleWorld } from "./helpers/world.js";

let world: BundleWorld;

/** What the App reads from a job that printed `stdout` (the runner turns workflow commands into annotations). */
const appReads = (stdout: string) =>
  verificationFromAnnotations(
    annotationsFromOutput(stdout).map((a) => ({
      annotation_level: a.level,
      title: a.title,
      message: a.message,
    })),
  );

beforeAll(async () => {
  world = await startBundleWorld({
    name: "verdict",
    config: (root) => `artifacts: { assets: ["app-*.tar.gz"], checksums: SHA256SUMS }
targets: { eu: [web-1, web-2] }
driver: { type: command, run: "sh ${root}/deploy.sh" }
stages:
  - { name: qa, environment: qa }
  - { name: production, verify: [smoke] }
checks:
  smoke: { command: { run: "test -f ${root}/healthy", every-round: true } }
`,
    releases: ["v1", "v2"],
  });
  // web-2 refuses v2's rollout.
  writeFileSync(
    join(world.root, "deploy.sh"),
    `if [ "$SHIPLINE_TARGET" = web-2 ] && [ "$SHIPLINE_MODE" = rollout ] && [ ! -f ${world.root}/fixed ]; then echo "disk full" >&2; exit 3; fi`,
  );
  world.github.addDeployment({ ref: "v1", environment: "production", states: ["success"] });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

describe("a failed job's verdict names the environment's previous good release", () => {
  it("a failed rollout: one untitled error, its last line the record, read back as v1", async () => {
    const run = await world.run({ release: "v2", stage: "production" });
    expect(run.code, run.stdout).toBe(1);
    const errors = annotationsFromOutput(run.stdout).filter((a) => a.level === "failure");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.title).toBeNull();
    expect(errors[0]!.message.split("\n").at(-1)).toBe(
      '<!-- shipline:verdict {"environment":"production","previous":"v1"} -->',
    );
    expect(appReads(run.stdout)).toEqual({
      description: expect.stringContaining("rollout of v2 to production failed: target web-2"),
      previous: { environment: "production", release: "v1" },
    });
  });

  it("an environment that never ran a release: the verdict says there is none", async () => {
    const run = await world.run({ release: "v2", stage: "qa" });
    expect(run.code, run.stdout).toBe(1);
    expect(appReads(run.stdout).previous).toEqual({ environment: "qa", release: null });
  });

  it("a failed verification: the verification title, and the same record", async () => {
    writeFileSync(join(world.root, "fixed"), "");
    const run = await world.run({ release: "v2", stage: "production" });
    expect(run.code, run.stdout).toBe(1);
    expect(appReads(run.stdout)).toMatchObject({
      verification: "failed",
      previous: { environment: "production", release: "v1" },
    });
  });

  it("a bake round (verify mode) that fails looks the previous release up for the verdict", async () => {
    const run = await world.run({
      release: "v2",
      stage: "production",
      mode: "verify",
      reason: "round 1 of 2",
    });
    expect(run.code, run.stdout).toBe(1);
    expect(appReads(run.stdout)).toMatchObject({
      verification: "failed",
      previous: { environment: "production", release: "v1" },
    });
  });

  it("a job that failed before it knew its stage names none: the App reads the deployments itself", async () => {
    const run = await world.run({ release: "v2", stage: "prod" });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::pipeline "default" has no stage "prod"');
    expect(appReads(run.stdout).previous).toBeUndefined();
  });
});
